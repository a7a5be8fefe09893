import { pipeline, Readable } from 'node:stream';
import { createGunzip } from 'node:zlib';

const LF = 0x0a;
const CR = 0x0d;

/**
 * The given lines of a gzip day file, as raw bytes without their line end: `wanted` are 1-based line numbers
 * in ascending order. One pass of gunzip, decoding nothing else, stopping after the last wanted line — how the
 * comparison reads again the few records that break out of a million it has only kept keys of.
 */
export async function* pickLines(gz: AsyncIterable<Uint8Array>, wanted: AsyncIterable<number>): AsyncGenerator<{ lineNo: number; bytes: Buffer }> {
  const lines = wanted[Symbol.asyncIterator]();
  let next = await lines.next();
  if (next.done) return;
  const gunzip = createGunzip();
  // A failure on either side destroys both: the loop below sees it.
  pipeline(Readable.from(gz, { objectMode: false }), gunzip, () => undefined);
  let lineNo = 0;
  let pending: Buffer | undefined;
  try {
    for await (const chunk of gunzip as AsyncIterable<Buffer>) {
      const data = pending === undefined ? chunk : Buffer.concat([pending, chunk]);
      let start = 0;
      for (let lf = data.indexOf(LF, start); lf !== -1; lf = data.indexOf(LF, start)) {
        lineNo += 1;
        if (lineNo === next.value) {
          const end = lf > start && data[lf - 1] === CR ? lf - 1 : lf;
          yield { lineNo, bytes: Buffer.from(data.subarray(start, end)) };
          next = await lines.next();
          if (next.done) return;
        }
        start = lf + 1;
      }
      pending = start < data.length ? data.subarray(start) : undefined;
    }
  } finally {
    gunzip.destroy();
  }
  throw new Error(`line ${String(next.value)} wanted, but the file has ${lineNo} lines`);
}
