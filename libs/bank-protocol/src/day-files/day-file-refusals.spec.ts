import { gzipSync } from 'node:zlib';
import { Money } from '@custody/money';
import { DayFileError } from './day-file-error';
import { CHK01_LINE, CHK01_RECORD, CHK03_RECORD, DIF01_LINE, DIF01_RECORD, gb, line } from './day-file-fixtures';
import type { Chk01Record, Dif01Record } from './day-file-records';
import { readDayFile, writeDayFile } from './day-file-stream';
import { encodeDayFileLine, type DayFileRecord, type DayFileType } from './day-file-types';

const FILE = 'B_CHK01_20261121.gz';

/** The error reading a file whose first line is good and whose second is `bad`. */
async function readingRefusal(type: DayFileType, good: Buffer, bad: Buffer | string): Promise<DayFileError> {
  const text = Buffer.concat([good, Buffer.from('\n'), typeof bad === 'string' ? Buffer.from(bad, 'latin1') : bad, Buffer.from('\n')]);
  return refusalOf(async () => {
    for await (const record of readDayFile(type, gzipSync(text), { fileName: FILE })) void record;
  });
}

/** The error writing a good record and then `bad`. */
async function writingRefusal<T extends DayFileType>(type: T, good: DayFileRecord<T>, bad: DayFileRecord<T>): Promise<DayFileError> {
  return refusalOf(async () => {
    for await (const chunk of writeDayFile(type, [good, bad], { fileName: 'S_CHK01_20261121.gz' })) void chunk;
  });
}

async function refusalOf(run: () => Promise<void>): Promise<DayFileError> {
  const outcome = await run().then(
    () => new Error('expected a DayFileError'),
    (error: unknown) => error,
  );
  if (!(outcome instanceof DayFileError)) throw outcome;
  return outcome;
}

/** CHK01_LINE with the bytes of one field replaced (field offsets: A.3 widths plus one separator each). */
function chk01With(position: number, bytes: string | Buffer): Buffer {
  const widths = [8, 8, 4, 8, 6, 8, 20, 20, 32, 14, 32, 1, 5, 3, 1, 16];
  const start = widths.slice(0, position - 1).reduce((sum, width) => sum + width + 1, 0);
  const replacement = typeof bytes === 'string' ? Buffer.from(bytes, 'latin1') : bytes;
  return Buffer.concat([CHK01_LINE.subarray(0, start), replacement, CHK01_LINE.subarray(start + widths[position - 1])]);
}

describe('day files refused on reading (bank-protocol.md §5): a precise error naming the file, the line and the field', () => {
  it('A.3: a line with a field missing is refused for its field count', async () => {
    const refusal = await readingRefusal('CHK01', CHK01_LINE, CHK01_LINE.subarray(0, CHK01_LINE.length - 17));
    expect(refusal).toMatchObject({ defect: 'FIELD_COUNT', fileName: FILE, line: 2, field: undefined });
    expect(refusal.message).toBe('B_CHK01_20261121.gz line 2: has 15 fields, a CHK01 record 16');
  });

  it('A.1 c: a field one byte short is refused for its width, naming the field', async () => {
    const refusal = await readingRefusal('CHK01', CHK01_LINE, chk01With(10, '100000000001 '));
    expect(refusal).toMatchObject({ defect: 'FIELD_WIDTH', line: 2, field: 'fundAccountNo' });
    expect(refusal.message).toBe('B_CHK01_20261121.gz line 2: field 10 证券资金台账账号 (fundAccountNo): has 13 bytes, the field 14');
  });

  it.each([
    ['a letter', '00000000000123a5'],
    ['spaces instead of zeros', '           12345'],
    ['a sign after the first byte', '0-00000000012345'],
    ['a negative zero', '-000000000000000'],
  ])('A.1 c: an INT with %s is refused', async (_case, amount) => {
    const refusal = await readingRefusal('CHK01', CHK01_LINE, chk01With(16, amount));
    expect(refusal).toMatchObject({ defect: 'NOT_AN_INT', line: 2, field: 'amount' });
    expect(refusal.message).toContain('field 16 转账金额 (amount)');
  });

  it('bank-protocol.md §5: a transfer amount that is not positive is refused', async () => {
    const refusal = await readingRefusal('CHK01', CHK01_LINE, chk01With(16, '-000000000012345'));
    expect(refusal).toMatchObject({ defect: 'AMOUNT', field: 'amount' });
  });

  it('§7.2: an unknown currency is refused; RMB is read as CNY', async () => {
    const refusal = await readingRefusal('CHK01', CHK01_LINE, chk01With(14, 'EUR'));
    expect(refusal).toMatchObject({ defect: 'UNKNOWN_CURRENCY', line: 2, field: 'currency' });
    expect(refusal.message).toBe('B_CHK01_20261121.gz line 2: field 14 货币代码 (currency): unknown currency "EUR"');

    const records: Chk01Record[] = [];
    for await (const record of readDayFile('CHK01', gzipSync(Buffer.concat([chk01With(14, 'RMB'), Buffer.from('\n')])))) records.push(record);
    expect(records.map((record) => record.currency)).toEqual(['CNY']);
  });

  it.each([
    [10, 'a blank fund account number', ' '.repeat(14), 'BLANK', 'fundAccountNo'],
    [10, 'a fund account number with a letter', '10000000000A  ', 'INVALID_VALUE', 'fundAccountNo'],
    [4, 'a date that is no day', '20261131', 'INVALID_VALUE', 'tradeDate'],
    [5, 'a time that is no time', '246000', 'INVALID_VALUE', 'tradeTime'],
    [12, 'an unknown initiator', 'X', 'INVALID_VALUE', 'initiator'],
    [13, 'an account function in CHK01', '11001', 'INVALID_VALUE', 'functionCode'],
    [11, 'a blank customer name (required)', ' '.repeat(32), 'BLANK', 'customerName'],
    [8, 'the broker initiated, without its serial', ' '.repeat(20), 'BLANK', 'brokerSerialNo'],
    [15, 'a cash/remittance flag of 1 for CNY', '1', 'INCONSISTENT', 'cashExFlag'],
  ] as const)('field %i: %s is refused', async (position, _case, bytes, defect, field) => {
    const refusal = await readingRefusal('CHK01', CHK01_LINE, chk01With(position, bytes));
    expect(refusal).toMatchObject({ defect, line: 2, field });
  });

  it('bank-protocol.md §1: bytes that are not GB18030 in a name are refused as such', async () => {
    const refusal = await readingRefusal('CHK01', CHK01_LINE, chk01With(11, Buffer.concat([gb('d5c5 ff20'), Buffer.from(' '.repeat(28))])));
    expect(refusal).toMatchObject({ defect: 'ENCODING', line: 2, field: 'customerName' });
  });

  it('A.5: an ID number that is refused is not quoted in the error (errors reach logs)', async () => {
    const good = encodeDayFileLine('CHK03', CHK03_RECORD);
    const bad = good.toString('latin1').replace('110101199003071234  ', '11010119900307 1234 ');
    const refusal = await readingRefusal('CHK03', good, bad);
    expect(refusal).toMatchObject({ defect: 'INVALID_VALUE', field: 'idNumber' });
    expect(refusal.message).not.toContain('1234');
  });

  describe('DIF01–DIF03', () => {
    it('A.8: a break whose reason contradicts the sides present is refused (B: only the bank has a record)', async () => {
      const refusal = await readingRefusal('DIF01', DIF01_LINE, Buffer.concat([Buffer.from('B'), DIF01_LINE.subarray(1)]));
      expect(refusal).toMatchObject({ defect: 'INCONSISTENT', line: 2, field: 'broker' });
      expect(refusal.message).toContain('field 5 证券方原始记录 (broker): must be blank for reason B');
    });

    it('A.8: a field of a side\'s record is named through its side', async () => {
      const bad = Buffer.concat([DIF01_LINE.subarray(0, DIF01_LINE.length - 3), Buffer.from('x45')]);
      const refusal = await readingRefusal('DIF01', DIF01_LINE, bad);
      expect(refusal).toMatchObject({ defect: 'NOT_AN_INT', field: 'bank.amount' });
      expect(refusal.message).toContain('field 6.16 银行方原始记录/转账金额 (bank.amount)');
    });

    it('A.8: a side written as fewer spaces than its record\'s width is refused for its width', async () => {
      const bad = line('S', ' '.repeat(60), ' '.repeat(40), 'B0', CHK01_LINE, ' '.repeat(200));
      const refusal = await readingRefusal('DIF01', DIF01_LINE, bad);
      expect(refusal).toMatchObject({ defect: 'FIELD_WIDTH', field: 'bank' });
    });

    it('A.8: a DIF line with neither 4 + 2 records nor 4 + 1 record + a blank side is refused for its field count', async () => {
      const refusal = await readingRefusal('DIF01', DIF01_LINE, line('X', ' '.repeat(60), ' '.repeat(40), 'B0', CHK01_LINE));
      expect(refusal).toMatchObject({ defect: 'FIELD_COUNT', line: 2 });
      expect(refusal.message).toContain('has 20 fields, a DIF01 line 36 (21 when one side has no record)');
    });
  });
});

describe('day files refused on writing: the same checks, naming the record', () => {
  const withChk01 = (change: Partial<Record<keyof Chk01Record, unknown>>): Chk01Record => ({ ...CHK01_RECORD, ...change }) as Chk01Record;

  it.each([
    ['an amount with three decimals', { amount: Money.fromDb('1.005') }, 'AMOUNT', 'amount'],
    ['an amount of 17 digits of fen', { amount: Money.fromDb('100000000000000.00') }, 'AMOUNT', 'amount'],
    ['a negative transfer amount', { amount: Money.parse('-1.00', 'signed') }, 'AMOUNT', 'amount'],
    ['an amount that is a number, not a Money', { amount: 12.3 }, 'AMOUNT', 'amount'],
    ['a fund account number of 15 digits', { fundAccountNo: '123456789012345' }, 'TOO_LONG', 'fundAccountNo'],
    ['a bank serial of 21 characters', { bankSerialNo: '123456789012345678901' }, 'TOO_LONG', 'bankSerialNo'],
    ['a bank account number with a space', { bankAccountNo: '6222 0000' }, 'INVALID_VALUE', 'bankAccountNo'],
    ['a name holding the separator', { customerName: '张|三' }, 'INVALID_VALUE', 'customerName'],
    ['a name holding a line end', { customerName: '张\n三' }, 'INVALID_VALUE', 'customerName'],
    ['a name GB18030 cannot carry (a lone surrogate)', { customerName: '张\ud800' }, 'ENCODING', 'customerName'],
    ['an empty name', { customerName: '' }, 'BLANK', 'customerName'],
    ['an unknown currency', { currency: 'EUR' }, 'UNKNOWN_CURRENCY', 'currency'],
    ['a date in the file\'s own form', { tradeDate: '20261121' }, 'INVALID_VALUE', 'tradeDate'],
    ['a flag missing for USD', { currency: 'USD', cashExFlag: null }, 'INCONSISTENT', 'cashExFlag'],
    ['the broker initiated, without its serial', { brokerSerialNo: null }, 'BLANK', 'brokerSerialNo'],
  ] as const)('%s is refused', async (_case, change, defect, field) => {
    const refusal = await writingRefusal('CHK01', CHK01_RECORD, withChk01(change));
    expect(refusal).toMatchObject({ defect, fileName: 'S_CHK01_20261121.gz', line: 2, field });
  });

  it('A.1 d: a negative amount needs its - inside the width: 15 digits of fen at most', async () => {
    const dat02 = { ...CHK01_RECORD, amount: Money.fromDb('-10000000000000.00') } as unknown as DayFileRecord<'DAT02'>;
    const refusal = await refusalOf(async () => {
      for await (const chunk of writeDayFile('DAT02', [dat02])) void chunk;
    });
    expect(refusal).toMatchObject({ defect: 'AMOUNT', line: 1, field: 'amount' });
    expect(refusal.message).toContain('needs 16 digits of fen, the field has 15');
  });

  it.each([
    ['reason S with the bank\'s record', { reason: 'S' }, 'INCONSISTENT', 'bank'],
    ['reason X without the bank\'s record', { bank: null }, 'INCONSISTENT', 'bank'],
    ['a position beyond the CHK01 layout', { positions: [17] }, 'INVALID_VALUE', 'positions'],
    ['an unknown handling code', { handlingCode: 'B2' }, 'INVALID_VALUE', 'handlingCode'],
    ['a bad field in the broker\'s record', { broker: { ...CHK01_RECORD, fundAccountNo: 'A1' } }, 'INVALID_VALUE', 'broker.fundAccountNo'],
  ] as const)('A.8: a DIF01 record with %s is refused', async (_case, change, defect, field) => {
    const refusal = await writingRefusal('DIF01', DIF01_RECORD, { ...DIF01_RECORD, ...change } as unknown as Dif01Record);
    expect(refusal).toMatchObject({ defect, line: 2, field });
  });
});
