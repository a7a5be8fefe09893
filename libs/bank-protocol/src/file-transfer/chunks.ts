/**
 * Profile §5 step 2: a chunk carries 1–2,048 raw bytes of the `.gz` as base64 in `FileData`, at byte
 * offset `StPos`, with `DataLen` its raw length. 2,048 bytes are 2,732 base64 characters, inside the
 * table's Max3000Text.
 */
export const MAX_CHUNK_BYTES = 2048;

const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

export function encodeChunkData(data: Buffer): string {
  return data.toString('base64');
}

export type ChunkReading = { readonly ok: true; readonly data: Buffer } | { readonly ok: false; readonly why: string };

/**
 * The bytes of a chunk, or why it is malformed. Node's base64 decoder skips what it cannot read, so
 * the text is checked first: canonical base64 only (no whitespace, no URL alphabet, padded).
 */
export function readChunkData(fileData: string, dataLen: number): ChunkReading {
  if (!BASE64.test(fileData)) return { ok: false, why: 'FileData is not base64' };
  const data = Buffer.from(fileData, 'base64');
  if (data.length !== dataLen) return { ok: false, why: `DataLen ${dataLen} but FileData holds ${data.length} bytes` };
  if (data.length < 1 || data.length > MAX_CHUNK_BYTES) return { ok: false, why: `a chunk holds 1..${MAX_CHUNK_BYTES} bytes, this one ${data.length}` };
  return { ok: true, data };
}

export interface Chunk {
  readonly position: number;
  readonly data: Buffer;
  readonly last: boolean;
}

/**
 * Re-cuts a stream of pieces of any size into chunks of `size` bytes (the last one shorter), each
 * marked whether it is the last: one chunk is held back until the next is known to exist, since the
 * last one is sent with `LstFrag` Y. At most two chunks and one piece are in memory at a time.
 */
export async function* chunksOf(pieces: AsyncIterable<Uint8Array>, size = MAX_CHUNK_BYTES): AsyncGenerator<Chunk> {
  let pending = Buffer.alloc(0);
  let held: Buffer | undefined;
  let position = 0;
  for await (const piece of pieces) {
    pending = pending.length === 0 ? Buffer.from(piece) : Buffer.concat([pending, piece]);
    while (pending.length >= size) {
      const next = pending.subarray(0, size);
      pending = pending.subarray(size);
      if (held) {
        yield { position, data: held, last: false };
        position += held.length;
      }
      held = next;
    }
  }
  if (pending.length > 0) {
    if (held) {
      yield { position, data: held, last: false };
      position += held.length;
    }
    held = pending;
  }
  if (held) yield { position, data: held, last: true };
}
