import { decodeGb18030, encodeGb18030 } from '../gb18030';

/**
 * GB18030 at the byte level, for fixed-width fields whose widths count bytes (bank-protocol.md §5).
 * A character is 1 byte (ASCII), 2 bytes (lead 0x81–0xFE, trail 0x40–0x7E or 0x80–0xFE) or 4 bytes
 * (0x81–0xFE, 0x30–0x39, 0x81–0xFE, 0x30–0x39). A 2-byte character may end in 0x7C, the byte of `|`, so a
 * line can only be split into fields by walking it character by character, never by searching for `|`.
 */

/** Bytes of the character starting at `index`, or 0 when the bytes there (before `end`) are not one. */
export function characterLength(bytes: Uint8Array, index: number, end: number): number {
  const lead = bytes[index];
  if (lead < 0x80) return 1;
  if (lead === 0x80 || lead === 0xff || index + 1 >= end) return 0;
  const second = bytes[index + 1];
  if (second >= 0x30 && second <= 0x39) {
    if (index + 3 >= end) return 0;
    const third = bytes[index + 2];
    const fourth = bytes[index + 3];
    return third >= 0x81 && third <= 0xfe && fourth >= 0x30 && fourth <= 0x39 ? 4 : 0;
  }
  return (second >= 0x40 && second <= 0x7e) || (second >= 0x80 && second <= 0xfe) ? 2 : 0;
}

/** The longest prefix of `bytes` that fits `width` and ends at a character boundary. */
export function cutAtCharacterBoundary(bytes: Buffer, width: number): Buffer {
  if (bytes.length <= width) return bytes;
  let end = 0;
  for (;;) {
    const length = characterLength(bytes, end, bytes.length);
    if (length === 0 || end + length > width) return bytes.subarray(0, end);
    end += length;
  }
}

/*
 * The reference conversion is `gb18030.ts` (iconv-lite, checked by a round trip), as for every package. It
 * costs about 2 µs per name each way, and a day file has a name on each of a million lines, so two faster
 * paths give the same results where they can: a table of the 2-byte characters built from the reference
 * itself for writing, and ICU's decoder for reading. Characters where the two libraries differ or that are
 * not characters at all go to the reference. A unit test compares both paths with the reference over every
 * 2-byte character and every 4-byte character of the BMP.
 */

/**
 * U+3000 (iconv also reads it from 0xA3A0), U+20AC (a lone 0x80), U+FEFF (a byte-order mark a decoder may
 * drop), surrogates (4-byte characters, or none at all), the private use area and U+FFFD (a bad sequence),
 * and the characters GB18030-2022 moved (ICU has the new mapping, iconv-lite the 2005 one).
 */
const REFERENCE_ONLY = /[\u20AC\u3000\u9FB4-\u9FBB\uD800-\uDFFF\uE000-\uF8FF\uFE10-\uFE19\uFEFF\uFFFD]/;

let twoByteCodes: Uint16Array | undefined;

/** BMP code unit → its 2-byte code (lead << 8 | trail), 0 for none; built on first use (~50 ms). */
function twoByteCodeTable(): Uint16Array {
  if (twoByteCodes === undefined) {
    const table = new Uint16Array(0x10000);
    for (let lead = 0x81; lead <= 0xfe; lead += 1) {
      for (let trail = 0x40; trail <= 0xfe; trail += 1) {
        if (trail === 0x7f) continue;
        const text = decodeGb18030(Buffer.from([lead, trail]));
        if (text !== undefined && text.length === 1 && !REFERENCE_ONLY.test(text)) table[text.charCodeAt(0)] = (lead << 8) | trail;
      }
    }
    twoByteCodes = table;
  }
  return twoByteCodes;
}

const scratch = Buffer.alloc(256);

/**
 * The GB18030 bytes of a text, cut at a character boundary to at most `width`, as a latin1 string (one
 * character per byte); undefined when GB18030 cannot carry the text (a lone surrogate).
 */
export function encodeText(text: string, width: number): string | undefined {
  if (width <= scratch.length) {
    const table = twoByteCodeTable();
    let length = 0;
    let fast = true;
    for (let i = 0; i < text.length; i += 1) {
      const unit = text.charCodeAt(i);
      const code = unit < 0x80 ? unit : table[unit];
      if (unit >= 0x80 && code === 0) {
        fast = false;
        break;
      }
      const size = unit < 0x80 ? 1 : 2;
      if (length + size > width) break;
      if (size === 1) scratch[length] = code;
      else scratch.writeUInt16BE(code, length);
      length += size;
    }
    if (fast) return scratch.toString('latin1', 0, length);
  }
  const bytes = encodeGb18030(text);
  return bytes === undefined ? undefined : cutAtCharacterBoundary(bytes, width).toString('latin1');
}

const icuDecoder = (() => {
  try {
    return new TextDecoder('gb18030', { fatal: true });
  } catch {
    return undefined; // a Node built without full ICU: the reference alone
  }
})();

function isAscii(bytes: Uint8Array, start: number, end: number): boolean {
  for (let i = start; i < end; i += 1) if (bytes[i] >= 0x80) return false;
  return true;
}

/** The text of bytes [start, end), or undefined when they are not GB18030 that writes back the same. */
export function decodeText(bytes: Buffer, start: number, end: number): string | undefined {
  if (isAscii(bytes, start, end)) return bytes.toString('latin1', start, end);
  const slice = bytes.subarray(start, end);
  let text: string | undefined;
  try {
    text = icuDecoder?.decode(slice);
  } catch {
    text = undefined; // ICU refuses it; the reference decides
  }
  return text === undefined || REFERENCE_ONLY.test(text) ? decodeGb18030(slice) : text;
}
