import { FramingError, MessageDecodeError, MessageEncodeError } from './protocol-errors';
import { PACKAGE_FORMAT_ERROR_CODE } from './return-codes';

/**
 * Profile §1 framing of a data package (数据包, JR/T 0046 §4.3.2–4.3.3):
 * `<IFTS Len="NNNNN" DataVer="1.0.0.1" SeqNo=".." Type="S|B" [Dup="Y"] CheckSum=".."><MsgText>…</MsgText></IFTS>`.
 * `Len` comes first, five digits, and counts every byte of the package, so a reader needs the
 * 17-byte prefix and then knows exactly how much more to read.
 */

export type PackageType = 'S' | 'B';

export const DATA_VERSION = '1.0.0.1';
export const LENGTH_PREFIX = '<IFTS Len="';
export const FRAME_PREFIX_BYTES = LENGTH_PREFIX.length + 5 + 1;
export const MAX_PACKAGE_BYTES = 99_999;
const MSG_TEXT_OPEN = Buffer.from('<MsgText>', 'ascii');
const MSG_TEXT_CLOSE = Buffer.from('</MsgText>', 'ascii');
const IFTS_CLOSE = Buffer.from('</IFTS>', 'ascii');

/** The shortest package that can be valid; a smaller `Len` is impossible and poisons the stream. */
export const MIN_PACKAGE_BYTES = Buffer.byteLength(
  `<IFTS Len="00000" DataVer="${DATA_VERSION}" SeqNo="1" Type="S"><MsgText></MsgText></IFTS>`,
  'ascii',
);

/**
 * The most `<MsgText>` bytes a package can carry whatever its SeqNo, Dup and CheckSum: checked when a
 * message is handed to a session, so an oversized message is refused before it takes a SeqNo.
 */
export const MAX_MSG_TEXT_BYTES =
  MAX_PACKAGE_BYTES -
  FRAME_PREFIX_BYTES -
  ` DataVer="${DATA_VERSION}" SeqNo="${'9'.repeat(18)}" Type="S" Dup="Y" CheckSum="${'F'.repeat(128)}">`.length -
  IFTS_CLOSE.length;

export interface PackageAttributes {
  readonly length: number;
  readonly dataVersion: string;
  readonly seqNo: number;
  readonly type: PackageType;
  /** §4.3.3.6: only `Dup="Y"` marks a session-level re-send; absent or `N` is an original. */
  readonly dup: boolean;
  /** Absent when the sender omitted it; such a package never verifies (profile §2). */
  readonly checkSum: string | undefined;
}

export interface ParsedPackage {
  readonly attributes: PackageAttributes;
  /** Exactly the bytes of the `<MsgText>…</MsgText>` element as received: the CheckSum input. */
  readonly msgText: Buffer;
}

export interface PackageFields {
  readonly seqNo: number;
  readonly type: PackageType;
  readonly dup?: boolean;
  readonly checkSum: string;
}

/** Wraps the GB18030 bytes of a `<MsgText>` element in its package header and trailer. */
export function encodePackage(msgText: Buffer, fields: PackageFields): Buffer {
  if (!Number.isSafeInteger(fields.seqNo) || fields.seqNo < 1) throw new MessageEncodeError('SeqNo must be a positive integer', 'IFTS/@SeqNo');
  if (!/^[0-9A-Za-z]{1,128}$/.test(fields.checkSum)) throw new MessageEncodeError('CheckSum must be 1..128 ASCII letters or digits', 'IFTS/@CheckSum');
  const attributes = ` DataVer="${DATA_VERSION}" SeqNo="${fields.seqNo}" Type="${fields.type}"${fields.dup ? ' Dup="Y"' : ''} CheckSum="${fields.checkSum}">`;
  const total = FRAME_PREFIX_BYTES + attributes.length + msgText.length + IFTS_CLOSE.length;
  if (total > MAX_PACKAGE_BYTES) throw new MessageEncodeError(`package of ${total} bytes exceeds ${MAX_PACKAGE_BYTES}`, 'IFTS/@Len');
  return Buffer.concat([
    Buffer.from(`${LENGTH_PREFIX}${String(total).padStart(5, '0')}"${attributes}`, 'ascii'),
    msgText,
    IFTS_CLOSE,
  ]);
}

function packageFormat(detail: string): MessageDecodeError {
  return new MessageDecodeError('PACKAGE_FORMAT', PACKAGE_FORMAT_ERROR_CODE, `package format error: ${detail}`, 'IFTS');
}

function isXmlWhitespace(byte: number): boolean {
  return byte === 0x20 || byte === 0x09 || byte === 0x0a || byte === 0x0d;
}

const ATTRIBUTE = /^\s+([A-Za-z]+)="([^"]*)"/;

function parseAttributes(header: string): Map<string, string> {
  const attributes = new Map<string, string>();
  let rest = header;
  while (rest.trim().length > 0) {
    const match = ATTRIBUTE.exec(rest);
    if (!match) throw packageFormat('malformed IFTS attributes');
    if (attributes.has(match[1])) throw packageFormat(`attribute ${match[1]} repeated`);
    attributes.set(match[1], match[2]);
    rest = rest.slice(match[0].length);
  }
  return attributes;
}

/**
 * Splits one complete package into its header attributes and the exact `<MsgText>` bytes. Anything
 * that does not fit the profile's framing is a `PACKAGE_FORMAT` error (9000): its sequence number
 * cannot be trusted, so a session closes on it.
 */
export function parsePackage(raw: Buffer): ParsedPackage {
  if (raw.length < MIN_PACKAGE_BYTES || raw.length > MAX_PACKAGE_BYTES) throw packageFormat(`impossible package size ${raw.length}`);
  const prefix = raw.subarray(0, FRAME_PREFIX_BYTES).toString('latin1');
  const lengthMatch = /^<IFTS Len="(\d{5})"$/.exec(prefix);
  if (!lengthMatch) throw packageFormat('package does not start with <IFTS Len="NNNNN"');
  const length = Number(lengthMatch[1]);
  if (length !== raw.length) throw packageFormat(`Len says ${length} bytes, package has ${raw.length}`);

  const headerEnd = raw.indexOf(0x3e /* > */, FRAME_PREFIX_BYTES);
  if (headerEnd < 0) throw packageFormat('IFTS start tag not closed');
  const headerText = raw.subarray(FRAME_PREFIX_BYTES, headerEnd).toString('latin1');
  if (!/^[\x20-\x7e\t\r\n]*$/.test(headerText)) throw packageFormat('IFTS attributes must be ASCII');
  const attributes = parseAttributes(headerText);
  for (const name of attributes.keys()) {
    if (!['DataVer', 'SeqNo', 'Type', 'Dup', 'CheckSum'].includes(name)) throw packageFormat(`unknown IFTS attribute ${name}`);
  }
  const dataVersion = attributes.get('DataVer');
  if (dataVersion !== DATA_VERSION) throw packageFormat(`DataVer must be ${DATA_VERSION}`);
  const seqText = attributes.get('SeqNo') ?? '';
  if (!/^[0-9]{1,18}$/.test(seqText) || !Number.isSafeInteger(Number(seqText)) || Number(seqText) < 1) {
    throw packageFormat('SeqNo must be a positive Number');
  }
  const type = attributes.get('Type');
  if (type !== 'S' && type !== 'B') throw packageFormat('Type must be S or B');
  const dupText = attributes.get('Dup');
  if (dupText !== undefined && dupText !== 'Y' && dupText !== 'N') throw packageFormat('Dup must be Y or N');

  let start = headerEnd + 1;
  while (start < raw.length && isXmlWhitespace(raw[start])) start += 1;
  if (!raw.subarray(start, start + MSG_TEXT_OPEN.length).equals(MSG_TEXT_OPEN)) throw packageFormat('<MsgText> must follow the IFTS start tag');
  let end = raw.length - IFTS_CLOSE.length;
  if (end < start || !raw.subarray(end).equals(IFTS_CLOSE)) throw packageFormat('package must end with </IFTS>');
  while (end > start && isXmlWhitespace(raw[end - 1])) end -= 1;
  const closeAt = end - MSG_TEXT_CLOSE.length;
  if (closeAt < start + MSG_TEXT_OPEN.length || !raw.subarray(closeAt, end).equals(MSG_TEXT_CLOSE)) {
    throw packageFormat('</MsgText> must precede </IFTS>');
  }
  return {
    attributes: {
      length,
      dataVersion,
      seqNo: Number(seqText),
      type,
      dup: dupText === 'Y',
      checkSum: attributes.get('CheckSum'),
    },
    // A copy, so a retained message never pins the socket's read buffer.
    msgText: Buffer.from(raw.subarray(start, end)),
  };
}

const EXPECTED_PREFIX = Buffer.from(LENGTH_PREFIX, 'ascii');

/**
 * Streaming splitter: push whatever TCP delivered, get back every complete package. Packages may be
 * split across reads or several may share one. The first byte that cannot begin a package, or a
 * `Len` no package can have, is a `FramingError`; the decoder stays failed and the caller closes.
 */
export class FrameDecoder {
  private buffer: Buffer = Buffer.alloc(0);
  private failure: FramingError | undefined;

  get bufferedBytes(): number {
    return this.buffer.length;
  }

  push(chunk: Buffer): Buffer[] {
    if (this.failure) throw this.failure;
    this.buffer = this.buffer.length === 0 ? chunk : Buffer.concat([this.buffer, chunk]);
    const packages: Buffer[] = [];
    for (;;) {
      const length = this.readLength();
      if (length === undefined || this.buffer.length < length) break;
      packages.push(Buffer.from(this.buffer.subarray(0, length)));
      this.buffer = this.buffer.subarray(length);
    }
    return packages;
  }

  /** The stream ended: a partial package left over is a truncated package. */
  end(): void {
    if (this.failure) throw this.failure;
    if (this.buffer.length > 0) this.fail(`stream ended inside a package (${this.buffer.length} bytes buffered)`);
  }

  /** Validates the prefix as far as it has arrived, so garbage is refused at its first byte. */
  private readLength(): number | undefined {
    const available = Math.min(this.buffer.length, FRAME_PREFIX_BYTES);
    for (let i = 0; i < available; i += 1) {
      const byte = this.buffer[i];
      const ok =
        i < EXPECTED_PREFIX.length
          ? byte === EXPECTED_PREFIX[i]
          : i < FRAME_PREFIX_BYTES - 1
            ? byte >= 0x30 && byte <= 0x39
            : byte === 0x22; /* closing quote of Len */
      if (!ok) this.fail(`byte ${i} of a package is 0x${byte.toString(16).padStart(2, '0')}; expected <IFTS Len="NNNNN"`);
    }
    if (this.buffer.length < FRAME_PREFIX_BYTES) return undefined;
    const length = Number(this.buffer.subarray(EXPECTED_PREFIX.length, FRAME_PREFIX_BYTES - 1).toString('ascii'));
    if (length < MIN_PACKAGE_BYTES) this.fail(`impossible package length ${length}`);
    return length;
  }

  private fail(message: string): never {
    this.failure = new FramingError(message);
    this.buffer = Buffer.alloc(0);
    throw this.failure;
  }
}
