import { createHash } from 'node:crypto';
import { gunzipSync, gzipSync } from 'node:zlib';
import { Money } from '@custody/money';
import { DayFileError } from './day-file-error';
import { CHK01_LINE, CHK01_RECORD } from './day-file-fixtures';
import type { Chk01Record } from './day-file-records';
import { readDayFile, writeDayFile } from './day-file-stream';
import { fileMacOf } from '../file-transfer/file-description';

async function collect(stream: AsyncIterable<unknown>): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

async function readAll<R>(records: AsyncIterable<R>): Promise<R[]> {
  const read: R[] = [];
  for await (const record of records) read.push(record);
  return read;
}

async function refusalOf(run: Promise<unknown>): Promise<DayFileError> {
  const outcome = await run.then(
    () => new Error('expected a DayFileError'),
    (error: unknown) => error,
  );
  if (!(outcome instanceof DayFileError)) throw outcome;
  return outcome;
}

/** Distinct transfers, each serial its number, counting how many the writer has pulled. */
function transfers(count: number, pulled = { count: 0 }): Generator<Chk01Record> {
  return (function* () {
    for (let i = 1; i <= count; i += 1) {
      pulled.count = i;
      yield { ...CHK01_RECORD, brokerSerialNo: `S${String(i).padStart(19, '0')}`, amount: Money.fromDb(`${i}.01`) };
    }
  })();
}

/** Lets queued stream work run, so a test sees how far a pipeline goes on its own. */
async function settle(): Promise<void> {
  for (let i = 0; i < 20; i += 1) await new Promise((resolve) => setImmediate(resolve));
}

// 100,000 records through gzip take 1–2 s alone and passed jest's 5 s with both cores busy in CI (a project's
// `testTimeout` is not read by jest, so the file sets its own).
jest.setTimeout(30_000);

describe('day files as streams (bank-protocol.md §5)', () => {
  it('bank-protocol.md §5: a file with no records is an empty text, still a valid gzip, and reads as zero records', async () => {
    const file = writeDayFile('CHK01', []);
    const gz = await collect(file);
    expect(gz.subarray(0, 2).toString('hex')).toBe('1f8b');
    expect(gunzipSync(gz)).toHaveLength(0);
    expect(await file.digest).toEqual({ fileLen: gz.length, fileMac: fileMacOf(gz) });
    const reading = readDayFile('CHK01', gz);
    expect(await readAll(reading)).toEqual([]);
    expect(await reading.digest).toEqual({ fileLen: gz.length, fileMac: fileMacOf(gz) });
  });

  it('bank-protocol.md §5: lines ending \\r\\n are read like lines ending \\n', async () => {
    const text = Buffer.concat([CHK01_LINE, Buffer.from('\r\n'), CHK01_LINE, Buffer.from('\n'), CHK01_LINE, Buffer.from('\r\n')]);
    const read = await readAll(readDayFile('CHK01', gzipSync(text)));
    expect(read.map((record) => record.customerName)).toEqual(['张三', '张三', '张三']);
  });

  it('bank-protocol.md §5: a last record without its \\n is refused, naming its line', async () => {
    const text = Buffer.concat([CHK01_LINE, Buffer.from('\n'), CHK01_LINE]);
    const refusal = await refusalOf(readAll(readDayFile('CHK01', gzipSync(text), { fileName: 'B_CHK01_20261121.gz' })));
    expect(refusal).toMatchObject({ defect: 'LINE_END', fileName: 'B_CHK01_20261121.gz', line: 2 });
  });

  it('A.1 g: bytes that are not a whole gzip stream are refused: not gzip, truncated, nothing at all', async () => {
    const gz = gzipSync(Buffer.concat([CHK01_LINE, Buffer.from('\n')]));
    for (const bytes of [Buffer.from(CHK01_LINE), gz.subarray(0, gz.length - 4), Buffer.alloc(0), Buffer.concat([gz, Buffer.from('x')])]) {
      expect(await refusalOf(readAll(readDayFile('CHK01', bytes)))).toMatchObject({ defect: 'GZIP', fileName: 'CHK01' });
    }
  });

  it('A.1 c: a line far longer than a record is refused before it is whole (garbage cannot fill memory)', async () => {
    const refusal = await refusalOf(readAll(readDayFile('CHK01', gzipSync(Buffer.alloc(1024 * 1024, 'a')))));
    expect(refusal).toMatchObject({ defect: 'FIELD_WIDTH', line: 1 });
  });

  it('bank-protocol.md §5: 100,000 records stream from the writer into the reader, and both compute the FileMac of the bytes between them', async () => {
    const count = 100_000;
    const written = writeDayFile('CHK01', transfers(count));
    const sm3 = createHash('sm3');
    let fileLen = 0;
    const between = (async function* () {
      for await (const chunk of written as AsyncIterable<Buffer>) {
        sm3.update(chunk);
        fileLen += chunk.length;
        yield chunk;
      }
    })();
    const reading = readDayFile('CHK01', between);
    let read = 0;
    let last: Chk01Record | undefined;
    for await (const record of reading) {
      read += 1;
      last = record;
    }
    expect(read).toBe(count);
    expect(last?.brokerSerialNo).toBe('S0000000000000100000');
    expect(last?.amount.toString()).toBe('100000.01');
    const digest = { fileLen, fileMac: sm3.digest('hex').toUpperCase() };
    expect(await written.digest).toEqual(digest);
    expect(await reading.digest).toEqual(digest);
  });

  it('bank-protocol.md §5: the writer pulls records only as fast as its output is read', async () => {
    const pulled = { count: 0 };
    const file = writeDayFile('CHK01', transfers(1_000_000, pulled));
    const output = file[Symbol.asyncIterator]();
    await output.next();
    await settle();
    expect(pulled.count).toBeGreaterThan(0);
    expect(pulled.count).toBeLessThan(50_000);
    file.destroy();
    await expect(file.digest).rejects.toThrow();
  });

  it('bank-protocol.md §5: the reader takes gzip bytes only as fast as its records are read, and stops its source when left', async () => {
    const gz = await collect(writeDayFile('CHK01', transfers(50_000)));
    const chunks = Array.from({ length: Math.ceil(gz.length / 256) }, (_, i) => gz.subarray(i * 256, (i + 1) * 256));
    let given = 0;
    let finished = false;
    const source = (async function* () {
      try {
        for (const chunk of chunks) {
          given += 1;
          yield chunk;
        }
      } finally {
        finished = true;
      }
    })();
    const reading = readDayFile('CHK01', source);
    const records = reading[Symbol.asyncIterator]();
    expect((await records.next()).value?.brokerSerialNo).toBe('S0000000000000000001');
    await records.return?.();
    await settle();
    expect(chunks.length).toBeGreaterThan(1000);
    expect(given).toBeLessThan(200);
    expect(finished).toBe(true);
    await expect(reading.digest).rejects.toThrow();
  });

  it('a writer whose record is refused fails its output and its digest', async () => {
    const file = writeDayFile('CHK01', [CHK01_RECORD, { ...CHK01_RECORD, fundAccountNo: 'x' }]);
    expect(await refusalOf(collect(file))).toMatchObject({ defect: 'INVALID_VALUE', line: 2, field: 'fundAccountNo' });
    await expect(file.digest).rejects.toBeInstanceOf(DayFileError);
  });

  it('a day file\'s records are read once: its bytes are consumed', async () => {
    const reading = readDayFile('CHK01', gzipSync(Buffer.alloc(0)));
    expect(await readAll(reading)).toEqual([]);
    expect(() => reading[Symbol.asyncIterator]()).toThrow(/read once/);
  });
});
