import { BatchFileError, batchFileFormat, type BatchFileLine, MAX_BATCH_FILE_BYTES, MAX_BATCH_LINES, readBatchFile } from './batch-file';
import { fileDigestOf, lineRequestId } from './batch-identity';

const BANKS = new Set(['1021000', '1051000']);
const csv = (text: string) => readBatchFile(Buffer.from(text), 'CSV', BANKS);
const ndjson = (text: string) => readBatchFile(Buffer.from(text), 'NDJSON', BANKS);
const refusalOf = (line: BatchFileLine) => ('refusal' in line ? line.refusal : undefined);

function fileError(read: () => unknown): BatchFileError {
  try {
    read();
  } catch (error) {
    if (error instanceof BatchFileError) return error;
    throw error;
  }
  throw new Error('the file was read');
}

describe('F-12.2.2 batch file: fundAccountNo,currency,bankCode per line', () => {
  it('F-12.2.2: the Content-Type names the format (parameters aside); anything else is UNSUPPORTED_MEDIA_TYPE', () => {
    expect(batchFileFormat('text/csv; charset=utf-8')).toBe('CSV');
    expect(batchFileFormat('application/x-ndjson')).toBe('NDJSON');
    expect(fileError(() => batchFileFormat('application/json'))).toMatchObject({ code: 'UNSUPPORTED_MEDIA_TYPE', detail: expect.stringContaining('text/csv or application/x-ndjson') });
    expect(fileError(() => batchFileFormat(undefined)).code).toBe('UNSUPPORTED_MEDIA_TYPE');
  });

  it('F-12.2.2: CSV lines, an optional header, blank lines and a BOM skipped, numbered as the file’s lines', () => {
    const lines = csv('\uFEFFfundAccountNo,currency,bankCode\r\n100000000001,CNY,1021000\r\n\r\n 100000000002 , USD , "1051000"\n');
    expect(lines).toEqual([
      { lineNo: 2, fields: { fundAccountNo: '100000000001', currency: 'CNY', bankCode: '1021000' } },
      { lineNo: 4, fields: { fundAccountNo: '100000000002', currency: 'USD', bankCode: '1051000' } },
    ]);
  });

  it('F-12.2.2: NDJSON, one object with exactly the three keys per line', () => {
    expect(ndjson('{"fundAccountNo":"100000000001","currency":"CNY","bankCode":"1021000"}\n')).toEqual([
      { lineNo: 1, fields: { fundAccountNo: '100000000001', currency: 'CNY', bankCode: '1021000' } },
    ]);
  });

  it.each([
    ['a line of 2 fields', '100000000001,CNY', /3 fields\), this one 2/],
    ['a fund account number that is not 1–14 digits', '10000000000A,CNY,1021000', /fundAccountNo must be 1 to 14 digits/],
    ['a currency not taken', '100000000001,EUR,1021000', /currency must be one of CNY, USD, HKD/],
    ['a bank code that is not 7 digits', '100000000001,CNY,ICBC', /7-digit bank code/],
  ])('F-12.2.2: %s is that line’s VALIDATION_FAILED; the others are read', (_case, bad, message) => {
    const lines = csv(`100000000009,CNY,1021000\n${bad}\n100000000003,CNY,1051000\n`);
    expect(refusalOf(lines[1])).toEqual({ code: 'VALIDATION_FAILED', message: expect.stringMatching(message) });
    expect('fields' in lines[0] && 'fields' in lines[2]).toBe(true);
  });

  it('F-12.2.2: a refused line keeps the fields that were well formed, and quotes nothing of the line', () => {
    const [line] = csv('100000000001,EUR,1021000');
    expect(line).toEqual({ lineNo: 1, refusal: { code: 'VALIDATION_FAILED', message: expect.not.stringContaining('EUR') }, readable: { fundAccountNo: '100000000001', bankCode: '1021000' } });
  });

  it('F-12.2.2: a bank that is not configured is UNKNOWN_BANK for that line', () => {
    expect(refusalOf(csv('100000000001,CNY,3085840')[0])).toEqual({ code: 'UNKNOWN_BANK', message: 'bank 3085840 is not configured' });
  });

  it('F-12.2.2: the same fund account and currency again is refused, naming the first line; another currency is another relationship', () => {
    const lines = csv('100000000001,CNY,1021000\n100000000001,CNY,1051000\n100000000001,USD,1051000');
    expect(refusalOf(lines[1])).toEqual({ code: 'VALIDATION_FAILED', message: 'the same fund account and currency as line 1' });
    expect('fields' in lines[2]).toBe(true);
  });

  it.each([
    ['not JSON', '{"fundAccountNo":', /not JSON/],
    ['an array', '["100000000001","CNY","1021000"]', /one JSON object/],
    ['another key', '{"fundAccountNo":"100000000001","currency":"CNY","bankCode":"1021000","name":"x"}', /exactly the keys/],
    ['a number', '{"fundAccountNo":100000000001,"currency":"CNY","bankCode":"1021000"}', /are strings/],
  ])('F-12.2.2: an NDJSON line that is %s is that line’s VALIDATION_FAILED', (_case, bad, message) => {
    const lines = ndjson(`${bad}\n{"fundAccountNo":"100000000002","currency":"CNY","bankCode":"1021000"}`);
    expect(refusalOf(lines[0])).toEqual({ code: 'VALIDATION_FAILED', message: expect.stringMatching(message) });
    expect('fields' in lines[1]).toBe(true);
  });

  it.each([
    ['no line to pre-designate', Buffer.from('fundAccountNo,currency,bankCode\n\n'), 'VALIDATION_FAILED', /no lines/],
    ['bytes that are no UTF-8 text', Buffer.from([0x31, 0xff, 0xfe, 0x0a]), 'VALIDATION_FAILED', /not UTF-8/],
    ['more bytes than a batch takes', Buffer.alloc(MAX_BATCH_FILE_BYTES + 1, 0x31), 'PAYLOAD_TOO_LARGE', /at most/],
    ['more lines than a batch takes', Buffer.from('1,CNY,1021000\n'.repeat(MAX_BATCH_LINES + 1)), 'VALIDATION_FAILED', /at most 50000 lines/],
  ])('F-12.2.2: a file with %s is refused whole', (_case, bytes, code, detail) => {
    expect(fileError(() => readBatchFile(bytes, 'CSV', BANKS))).toMatchObject({ code, detail: expect.stringMatching(detail) });
  });
});

describe('F-12.2.2: each line pre-designates under a requestId of (file, line)', () => {
  const digest = fileDigestOf(Buffer.from('100000000001,CNY,1021000\n'));

  it('F-12.2.2: the same file and line give the same requestId, another line or file another, within api.md’s 64 characters', () => {
    expect(lineRequestId(digest, 1)).toBe(lineRequestId(fileDigestOf(Buffer.from('100000000001,CNY,1021000\n')), 1));
    expect(lineRequestId(digest, 2)).not.toBe(lineRequestId(digest, 1));
    expect(lineRequestId(fileDigestOf(Buffer.from('100000000001,CNY,1021000\r\n')), 1)).not.toBe(lineRequestId(digest, 1));
    expect(lineRequestId(digest, MAX_BATCH_FILE_BYTES).length).toBeLessThanOrEqual(64);
  });
});
