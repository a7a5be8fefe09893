import { type Chk01Record, type Chk02Record, type Chk03Record, type DifRecord, readDayFile, writeDayFile } from '@custody/bank-protocol';
import { Money } from '@custody/money';
import { detailDifferences } from './detail-differences';

const transfer = (overrides: Partial<Chk01Record>): Chk01Record => ({
  bankInstId: '1021000',
  brokerInstId: '10000001',
  branchId: null,
  tradeDate: '2026-03-02',
  tradeTime: '10:00:00',
  clearingDate: '2026-03-02',
  bankSerialNo: 'B1',
  brokerSerialNo: 'S1',
  bankAccountNo: '6222000000000001',
  fundAccountNo: '100000000001',
  customerName: '张三',
  initiator: 'S',
  functionCode: '12001',
  currency: 'CNY',
  cashExFlag: null,
  amount: Money.parse('100.00'),
  ...overrides,
});

const relationship = (overrides: Partial<Chk02Record>): Chk02Record => ({
  bankInstId: '1021000',
  brokerInstId: '10000001',
  branchId: null,
  tradeDate: '2026-03-02',
  bankAccountNo: '6222000000000001',
  fundAccountNo: '100000000001',
  customerName: '张三',
  currency: 'CNY',
  cashExFlag: null,
  status: '0',
  ...overrides,
});

const accountFunction = (overrides: Partial<Chk03Record>): Chk03Record => ({
  bankInstId: '1021000',
  brokerInstId: '10000001',
  branchId: null,
  tradeDate: '2026-03-02',
  tradeTime: '10:00:00',
  bankSerialNo: 'B9',
  brokerSerialNo: 'S9',
  custodyAccountNo: null,
  bankAccountNo: '6222000000000001',
  fundAccountNo: '100000000001',
  customerName: '张三',
  idType: '10',
  idNumber: '110101199001011234',
  initiator: 'S',
  functionCode: '11001',
  currency: 'CNY',
  cashExFlag: null,
  amount: Money.zero(),
  ...overrides,
});

async function all<T>(records: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const record of records) out.push(record);
  return out;
}

describe("the bank's DIF01–03 (bank-protocol.md §5, table A.8)", () => {
  it('matched records with equal compared fields are no break; other fields (dates, names, the other side’s serial) are never compared', async () => {
    const broker = [transfer({ tradeTime: '09:00:00', customerName: '张三丰', bankSerialNo: null })];
    expect(await all(detailDifferences('CHK01', broker, [transfer({})]))).toEqual([]);
  });

  it('DIF01: S for a record only the broker has, B for one only the bank has, X with the positions of the differing fields; every record B0', async () => {
    const onlyBroker = transfer({ brokerSerialNo: 'S2', bankSerialNo: null });
    const onlyBank = transfer({ initiator: 'B', bankSerialNo: 'B3', brokerSerialNo: null });
    const brokerSide = transfer({ brokerSerialNo: 'S4' });
    const bankSide = transfer({ brokerSerialNo: 'S4', amount: Money.parse('99.00'), bankAccountNo: '6222000000000002' });
    const breaks = await all(detailDifferences('CHK01', [onlyBroker, brokerSide], [bankSide, onlyBank]));
    expect(breaks).toEqual([
      { reason: 'S', description: '银行方无此记录', positions: [], handlingCode: 'B0', broker: onlyBroker, bank: null },
      // 客户银行结算账户账号 is field 9 of A.3, 转账金额 field 16.
      { reason: 'X', description: '字段不符:客户银行结算账户账号,转账金额', positions: [9, 16], handlingCode: 'B0', broker: brokerSide, bank: bankSide },
      { reason: 'B', description: '证券方无此记录', positions: [], handlingCode: 'B0', broker: null, bank: onlyBank },
    ]);
  });

  it('CHK01 matches by initiator and the initiator’s serial: the same serial from the other initiator is another record', async () => {
    const broker = [transfer({ initiator: 'S', brokerSerialNo: 'X1', bankSerialNo: null })];
    const bank = [transfer({ initiator: 'B', bankSerialNo: 'X1', brokerSerialNo: null })];
    expect((await all(detailDifferences('CHK01', broker, bank))).map((dif) => dif.reason)).toEqual(['S', 'B']);
  });

  it('DIF02 matches by fund account and currency, compares bank account and status; handling code X0', async () => {
    const breaks = await all(detailDifferences('CHK02', [relationship({ status: '1', bankAccountNo: null })], [relationship({})]));
    // A.4: 客户银行结算账户账号 is field 5, 存管状态 field 10.
    expect(breaks).toEqual([expect.objectContaining({ reason: 'X', positions: [5, 10], handlingCode: 'X0' })]);
  });

  it('DIF03 matches like CHK01 and compares amount among others; handling code X0', async () => {
    const breaks = await all(detailDifferences('CHK03', [accountFunction({ amount: Money.parse('5.00') })], [accountFunction({}), accountFunction({ initiator: 'B', bankSerialNo: 'B10', brokerSerialNo: null })]));
    // A.5: 金额 is field 18.
    expect(breaks.map((dif) => [dif.reason, dif.positions, dif.handlingCode])).toEqual([
      ['X', [18], 'X0'],
      ['B', [], 'X0'],
    ]);
  });

  it('a DIF file of each kind is written and read back by the codec unchanged', async () => {
    const breaks: DifRecord<Chk01Record>[] = await all(
      detailDifferences('CHK01', [transfer({ brokerSerialNo: 'S2' }), transfer({ brokerSerialNo: 'S4' })], [transfer({ brokerSerialNo: 'S4', amount: Money.parse('1.00') }), transfer({ initiator: 'B', bankSerialNo: 'B3' })]),
    );
    const chunks: Buffer[] = [];
    for await (const chunk of writeDayFile('DIF01', breaks)) chunks.push(chunk as Buffer);
    expect(await all(readDayFile('DIF01', Buffer.concat(chunks)))).toEqual(breaks);
  });
});
