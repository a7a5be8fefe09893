import { pipeline, Readable } from 'node:stream';
import { createGunzip, createGzip } from 'node:zlib';
import { DayFileError } from './day-file-error';
import { type DayFileRecord, type DayFileType, lineCodec, locateViolation } from './day-file-types';
import { type FileMeasure, FileMacMeter } from './file-mac';
import type { LineCodec } from './line-codecs';

/**
 * Day files as streams (bank-protocol.md §5: one record per line ending `\n`, no header or trailer, gzip).
 * Records go in and gzip bytes come out, or the reverse, a batch at a time with backpressure, so a file of a
 * million records never sits in memory; `FileLen` and `FileMac` are computed in the same pass.
 */

export interface DayFileOptions {
  /** Names the file in errors; the type when absent. */
  readonly fileName?: string;
}

/** The `.gz` bytes of a day file being written; `digest` resolves once gzip has produced its last byte. */
export interface DayFileOutput extends Readable {
  readonly digest: Promise<FileMeasure>;
}

/** The records of a day file being read (once); `digest` resolves once the last `.gz` byte has been taken in. */
export interface DayFileReading<R> extends AsyncIterable<R> {
  readonly digest: Promise<FileMeasure>;
}

const LF = 0x0a;
const CR = 0x0d;
/** Uncompressed bytes handed to gzip at a time: whole lines, so few and large writes. */
const BATCH_BYTES = 64 * 1024;

async function* encodeLines<R>(codec: LineCodec<R>, records: Iterable<R> | AsyncIterable<R>, fileName: string): AsyncGenerator<Buffer> {
  const perBatch = Math.max(1, Math.floor(BATCH_BYTES / (codec.width + 1)));
  let batch = '';
  let inBatch = 0;
  let line = 0;
  for await (const record of records) {
    line += 1;
    try {
      batch += `${codec.format(record)}\n`;
    } catch (error) {
      throw locateViolation(error, fileName, line);
    }
    inBatch += 1;
    if (inBatch === perBatch) {
      yield Buffer.from(batch, 'latin1');
      batch = '';
      inBatch = 0;
    }
  }
  if (inBatch > 0) yield Buffer.from(batch, 'latin1');
}

/**
 * Writes records as a day file: `pipeline(writeDayFile('CHK01', records), destination)`, then
 * `await file.digest` for `FileLen` / `FileMac`. A record that breaks the layout fails the stream with a
 * `DayFileError` naming the file, the line (the record's number) and the field. No records: a valid gzip of
 * an empty text.
 */
export function writeDayFile<T extends DayFileType>(
  type: T,
  records: Iterable<DayFileRecord<T>> | AsyncIterable<DayFileRecord<T>>,
  options: DayFileOptions = {},
): DayFileOutput {
  const lines = Readable.from(encodeLines(lineCodec(type), records, options.fileName ?? type), { objectMode: false });
  const meter = new FileMacMeter();
  // A failure anywhere destroys every stream of the pipeline, `meter` included: its reader gets the error.
  pipeline(lines, createGzip(), meter, () => undefined);
  return meter;
}

/** zlib's errors carry a `Z_…` code. Not `instanceof Error`: errors made by Node's core may come from another realm. */
function zlibErrorMessage(error: unknown): string | undefined {
  if (typeof error !== 'object' || error === null) return undefined;
  const { code, message } = error as { code?: unknown; message?: unknown };
  return typeof code === 'string' && code.startsWith('Z_') ? String(message) : undefined;
}

async function* decodeLines<R>(
  codec: LineCodec<R>,
  gz: Uint8Array | AsyncIterable<Uint8Array>,
  meter: FileMacMeter,
  fileName: string,
): AsyncGenerator<R> {
  // ArrayBuffer.isView, not instanceof Uint8Array: a Buffer made by Node's core may come from another realm.
  const source = gz instanceof Readable ? gz : Readable.from(ArrayBuffer.isView(gz) ? [gz] : gz, { objectMode: false });
  const gunzip = createGunzip();
  pipeline(source, meter, gunzip, () => undefined);
  // A line longer than this is refused before it is whole, so garbage without line ends cannot fill memory.
  const longestLine = Math.max(64 * 1024, 4 * codec.width);
  let pending: Buffer | undefined;
  let line = 0;
  try {
    for await (const chunk of gunzip as AsyncIterable<Buffer>) {
      const data = pending === undefined ? chunk : Buffer.concat([pending, chunk]);
      let start = 0;
      for (let lf = data.indexOf(LF, start); lf !== -1; lf = data.indexOf(LF, start)) {
        line += 1;
        const end = lf > start && data[lf - 1] === CR ? lf - 1 : lf;
        let record: R;
        try {
          record = codec.decode(data, start, end);
        } catch (error) {
          throw locateViolation(error, fileName, line);
        }
        yield record;
        start = lf + 1;
      }
      pending = start < data.length ? data.subarray(start) : undefined;
      if (pending !== undefined && pending.length > longestLine) {
        throw new DayFileError('FIELD_WIDTH', fileName, `a line of more than ${longestLine} bytes (a ${codec.width}-byte record expected)`, line + 1);
      }
    }
  } catch (error) {
    const zlibMessage = zlibErrorMessage(error);
    throw zlibMessage === undefined ? error : new DayFileError('GZIP', fileName, `not a whole gzip stream (${zlibMessage})`);
  } finally {
    gunzip.destroy();
  }
  if (pending !== undefined) throw new DayFileError('LINE_END', fileName, 'the last record does not end with \\n', line + 1);
}

/**
 * Reads a day file's `.gz` bytes (a `Readable`, any async iterable of chunks, or one buffer) as records, a
 * chunk at a time: `for await (const record of readDayFile('CHK01', gz)) …`. Lines end with `\n` or `\r\n`.
 * Anything that breaks the layout ends the iteration with a `DayFileError` naming the file, line and field.
 */
export function readDayFile<T extends DayFileType>(
  type: T,
  gz: Uint8Array | AsyncIterable<Uint8Array>,
  options: DayFileOptions = {},
): DayFileReading<DayFileRecord<T>> {
  const meter = new FileMacMeter();
  let iterated = false;
  return {
    digest: meter.digest,
    [Symbol.asyncIterator]() {
      if (iterated) throw new Error('a day file can be read once: its bytes are consumed');
      iterated = true;
      return decodeLines(lineCodec(type), gz, meter, options.fileName ?? type);
    },
  };
}
