import { readDayFile, writeDayFile, type DayFileRecord, type DayFileType } from '@custody/bank-protocol';
import { Money } from '@custody/money';
import { chk02Record, chk03Record, chinaDateTimeOf, type Chk02Row, type Chk03Row } from './account-day-file-records';

const parties = { bankInstId: '1021000', brokerInstId: '10000001' };
/** 00:30:05 on 2026-11-21 in China, still the 20th in UTC. */
const AT = new Date('2026-11-20T16:30:05Z');

const chk02Row = (overrides: Partial<Chk02Row> = {}): Chk02Row => ({
  fundAccountNo: '100000000001',
  currency: 'CNY',
  bankAccountNo: '6222000011112222',
  statusAfter: 'DESIGNATED',
  customerName: '张三',
  branchId: '0001',
  occurredAt: AT,
  ...overrides,
});

const chk03Row = (overrides: Partial<Chk03Row> = {}): Chk03Row => ({
  functionCode: '11001',
  initiator: 'S',
  brokerSerialNo: '20261121300000000001',
  bankSerialNo: 'B20261121000042',
  custodyAccountNo: 'K0001',
  bankAccountNo: '6222000011112222',
  fundAccountNo: '100000000001',
  currency: 'CNY',
  customerName: '张三',
  branchId: '0001',
  idType: '10',
  amount: '1234.50',
  occurredAt: AT,
  ...overrides,
});

/** What the bank reads back: the record through the codec's writer and reader. */
async function throughFile<T extends DayFileType>(type: T, record: DayFileRecord<T>): Promise<DayFileRecord<T>[]> {
  const chunks: Buffer[] = [];
  for await (const chunk of writeDayFile(type, [record])) chunks.push(chunk as Buffer);
  const read: DayFileRecord<T>[] = [];
  for await (const r of readDayFile(type, Buffer.concat(chunks))) read.push(r);
  return read;
}

describe('the account day-file records (bank-protocol.md §5, JR/T 0046 A.4, A.5)', () => {
  it('bank-protocol.md §5: 交易日期/交易时间 are the writer\'s clock in China time', () => {
    expect(chinaDateTimeOf(AT)).toEqual({ date: '2026-11-21', time: '00:30:05' });
  });

  it('A.4: a designated relationship is 存管状态 0 with its bank account, the account\'s name and branch, and the parties of configuration', async () => {
    const record = chk02Record(chk02Row(), parties);
    expect(record).toEqual({
      bankInstId: '1021000',
      brokerInstId: '10000001',
      branchId: '0001',
      tradeDate: '2026-11-21',
      bankAccountNo: '6222000011112222',
      fundAccountNo: '100000000001',
      customerName: '张三',
      currency: 'CNY',
      cashExFlag: null,
      status: '0',
    });
    expect(await throughFile('CHK02', record)).toEqual([record]);
  });

  it.each([
    ['PRE_DESIGNATED', '1'],
    ['CANCELLED', '2'],
  ] as const)('§7.13: a relationship left %s is 存管状态 %s', (statusAfter, status) => {
    expect(chk02Record(chk02Row({ statusAfter }), parties).status).toBe(status);
  });

  it('A.4: a pre-designated relationship has no bank account yet: the field is blank', async () => {
    const record = chk02Record(chk02Row({ statusAfter: 'PRE_DESIGNATED', bankAccountNo: null }), parties);
    expect(record.bankAccountNo).toBeNull();
    expect(await throughFile('CHK02', record)).toEqual([record]);
  });

  it('bank-protocol.md §5: 汇钞标志 is a space for CNY and 1 for another currency', () => {
    expect(chk02Record(chk02Row({ currency: 'CNY' }), parties).cashExFlag).toBeNull();
    expect(chk02Record(chk02Row({ currency: 'USD' }), parties).cashExFlag).toBe('1');
    expect(chk03Record(chk03Row({ currency: 'HKD' }), parties, '110101199003071234').record.cashExFlag).toBe('1');
  });

  it('A.5: a designation (11001 S) lists both serials, the custody and bank accounts, the ID, and the opening balance as 金额', async () => {
    const { record, gaps } = chk03Record(chk03Row(), parties, '110101199003071234');
    expect(gaps).toEqual([]);
    expect({ ...record, amount: record.amount.toString() }).toEqual({
      bankInstId: '1021000',
      brokerInstId: '10000001',
      branchId: '0001',
      tradeDate: '2026-11-21',
      tradeTime: '00:30:05',
      bankSerialNo: 'B20261121000042',
      brokerSerialNo: '20261121300000000001',
      custodyAccountNo: 'K0001',
      bankAccountNo: '6222000011112222',
      fundAccountNo: '100000000001',
      customerName: '张三',
      idType: '10',
      idNumber: '110101199003071234',
      initiator: 'S',
      functionCode: '11001',
      currency: 'CNY',
      cashExFlag: null,
      amount: '1234.50',
    });
    const [read] = await throughFile('CHK03', record);
    expect(read.amount.equals(Money.parse('1234.50'))).toBe(true);
    expect(read.idNumber).toBe('110101199003071234');
  });

  it('A.5: a bank serial not known (a reply without one) is blank; the initiator\'s serial is what matches', async () => {
    const { record } = chk03Record(chk03Row({ bankSerialNo: null }), parties, '110101199003071234');
    expect(record.bankSerialNo).toBeNull();
    expect(await throughFile('CHK03', record)).toHaveLength(1);
  });

  it('bank-protocol.md §5: an opening balance never recorded is written 0 and named as a gap, so 金额 shows the bank\'s figure as a break', () => {
    const { record, gaps } = chk03Record(chk03Row({ amount: null }), parties, '110101199003071234');
    expect(record.amount.isZero()).toBe(true);
    expect(gaps).toEqual(['AMOUNT']);
  });

  it.each([
    ['over CHAR(20) (messages allow 35)', 'P12345678901234567890'],
    ['with a space', 'P 1234567'],
    ['missing', null],
  ])('A.5: an ID number %s is written blank, not cut (it is never compared)', async (_case, idNumber) => {
    const { record, gaps } = chk03Record(chk03Row(), parties, idNumber);
    expect(record.idNumber).toBeNull();
    expect(gaps).toEqual(['ID_NUMBER']);
    expect(await throughFile('CHK03', record)).toHaveLength(1);
  });

  it('§7.9: an ID type outside the code list is written blank, not refused with the whole file', async () => {
    const { record, gaps } = chk03Record(chk03Row({ idType: '00' }), parties, '110101199003071234');
    expect(record.idType).toBeNull();
    expect(gaps).toEqual(['ID_TYPE']);
    expect(await throughFile('CHK03', record)).toHaveLength(1);
  });

  it('bank-protocol.md §5: a branch the CHAR(4) field cannot carry (opened before the 4-character rule) is blank; it is never compared', async () => {
    const chk02 = chk02Record(chk02Row({ branchId: 'BRANCH-01' }), parties);
    const { record: chk03 } = chk03Record(chk03Row({ branchId: 'BRANCH-01' }), parties, '110101199003071234');
    expect([chk02.branchId, chk03.branchId]).toEqual([null, null]);
    expect(await throughFile('CHK02', chk02)).toEqual([chk02]);
  });

  it('bank-protocol.md §5: a name longer than CHAR(32) is the codec\'s to cut at a character boundary: the record keeps it whole', async () => {
    const name = '张'.repeat(17);
    const record = chk02Record(chk02Row({ customerName: name }), parties);
    expect(record.customerName).toBe(name);
    const [read] = await throughFile('CHK02', record);
    expect(read.customerName).toBe('张'.repeat(16));
  });
});
