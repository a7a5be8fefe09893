import { Money } from '@custody/money';
import { type DayReversalRow, type DayTransferRow, listedReversal, listedTransfer, wouldBeListed } from './chk01-listing';
import { chk04Record, fileBranchId, fileCustomerName } from './ledger-record-fields';

const DAY = { bankCode: '1021000', brokerInstId: '10270000', businessDate: '2026-12-04' };
const POSTED = { date: '2026-12-04', time: '10:15:30' };

function transfer(overrides: Partial<DayTransferRow> = {}): DayTransferRow {
  return {
    transferId: '00000000-0000-4000-8000-000000000001',
    type: 'BANK_TO_SECURITIES',
    initiator: 'S',
    serialNo: 'S2026120400000001',
    ourSerialNo: 'S2026120400000001',
    bankSerialNo: 'B900001',
    status: 'SUCCEEDED',
    fundAccountNo: '100000000001',
    currency: 'CNY',
    amount: '1000.00',
    bankAccountNo: '6222000000000001',
    customerNo: 'C0001',
    customerName: '张三',
    branchId: '0001',
    inSnapshot: false,
    posted: POSTED,
    created: { date: '2026-12-04', time: '10:15:29' },
    ...overrides,
  };
}

function reversal(overrides: Partial<DayReversalRow> = {}): DayReversalRow {
  return {
    function: 'REVERSE_BANK_TO_SECURITIES',
    serialNo: 'B900002',
    ourSerialNo: 'S2026120400000009',
    fundAccountNo: '100000000001',
    currency: 'CNY',
    amount: '250.00',
    bankAccountNo: '6222000000000001',
    customerNo: 'C0001',
    customerName: '张三',
    branchId: '0001',
    posted: { date: '2026-12-04', time: '11:00:00' },
    ...overrides,
  };
}

describe('bank-protocol.md §5: what the broker lists in its CHK01 of D', () => {
  it('an S transfer that posted: 12001/12002 with our serial, the bank serial of its reply, the posting time (China) and D as clearing date', () => {
    expect(listedTransfer(transfer(), DAY)).toEqual({
      bankInstId: '1021000',
      brokerInstId: '10270000',
      branchId: '0001',
      tradeDate: '2026-12-04',
      tradeTime: '10:15:30',
      clearingDate: '2026-12-04',
      bankSerialNo: 'B900001',
      brokerSerialNo: 'S2026120400000001',
      bankAccountNo: '6222000000000001',
      fundAccountNo: '100000000001',
      customerName: '张三',
      initiator: 'S',
      functionCode: '12001',
      currency: 'CNY',
      cashExFlag: null,
      amount: Money.parse('1000.00'),
    });
    expect(listedTransfer(transfer({ type: 'SECURITIES_TO_BANK', bankSerialNo: null }), DAY)).toMatchObject({ functionCode: '12002', bankSerialNo: null });
  });

  it("a B transfer that posted: the bank's serial and the serial of our reply", () => {
    expect(listedTransfer(transfer({ initiator: 'B', serialNo: 'B900003', ourSerialNo: 'S2026120400000005', bankSerialNo: 'B900003' }), DAY)).toMatchObject({
      initiator: 'B',
      bankSerialNo: 'B900003',
      brokerSerialNo: 'S2026120400000005',
    });
  });

  it("a B deposit the bank reversed after it moved: the deposit listed, and the reversal as 12003 under the bank's reversal serial", () => {
    expect(listedTransfer(transfer({ initiator: 'B', status: 'REVERSED', serialNo: 'B900001' }), DAY)).toMatchObject({ functionCode: '12001', bankSerialNo: 'B900001' });
    expect(listedReversal(reversal(), DAY)).toMatchObject({ initiator: 'B', functionCode: '12003', bankSerialNo: 'B900002', brokerSerialNo: 'S2026120400000009', amount: Money.parse('250.00'), tradeTime: '11:00:00' });
    expect(listedReversal(reversal({ function: 'REVERSE_SECURITIES_TO_BANK' }), DAY)).toMatchObject({ functionCode: '12004' });
  });

  it('a reversal of an original we had refused moved nothing: not listed, nor its original', () => {
    expect(listedReversal(reversal({ posted: null }), DAY)).toBeUndefined();
    expect(listedTransfer(transfer({ initiator: 'B', status: 'REVERSED', posted: null }), DAY)).toBeUndefined();
  });

  it('an S transfer UNKNOWN and then reversed by the broker never moved its books: not listed (the bank lists both of its records)', () => {
    expect(listedTransfer(transfer({ status: 'REVERSED', posted: null }), DAY)).toBeUndefined();
  });

  it('a failed or refused transfer is not listed', () => {
    expect(listedTransfer(transfer({ status: 'FAILED', posted: null }), DAY)).toBeUndefined();
  });

  it('a transfer the snapshot holds UNKNOWN is not listed, even once reconciliation resolved it and it posted; the unknown-transfers list shows it as it would be listed', () => {
    const unknown = transfer({ status: 'SUCCEEDED', inSnapshot: true, bankSerialNo: null });
    expect(listedTransfer(unknown, DAY)).toBeUndefined();
    expect(wouldBeListed(unknown, DAY)).toMatchObject({ initiator: 'S', brokerSerialNo: 'S2026120400000001', bankSerialNo: null, tradeTime: '10:15:29', clearingDate: '2026-12-04' });
  });

  it('汇钞标志 is 1 for another currency than CNY', () => {
    expect(listedTransfer(transfer({ currency: 'USD' }), DAY)).toMatchObject({ currency: 'USD', cashExFlag: '1' });
  });
});

describe("bank-protocol.md §5: what a fund ledger's records say of its customer", () => {
  it('客户名称 is the name; an account opened before names were sent carries its customer number; a "|" or control character becomes a space', () => {
    expect(fileCustomerName({ customerNo: 'C0001', customerName: '张三', branchId: null })).toBe('张三');
    expect(fileCustomerName({ customerNo: 'C0001', customerName: null, branchId: null })).toBe('C0001');
    expect(fileCustomerName({ customerNo: 'C0001', customerName: '张|三\n', branchId: null })).toBe('张 三');
  });

  it('证券机构分支号 is the branch when CHAR(4) holds it, else spaces (never compared; never another branch cut short)', () => {
    expect(fileBranchId({ customerNo: 'C1', customerName: null, branchId: '0001' })).toBe('0001');
    expect(fileBranchId({ customerNo: 'C1', customerName: null, branchId: 'BJ-HAIDIAN' })).toBeNull();
    expect(fileBranchId({ customerNo: 'C1', customerName: null, branchId: null })).toBeNull();
  });

  it('CHK04: the ledger balance, the writing date, 汇钞标志 by currency', () => {
    expect(chk04Record({ fundAccountNo: '100000000001', currency: 'HKD', balance: '12.30', customerNo: 'C1', customerName: '李四', branchId: '0002' }, DAY, '2026-12-05')).toEqual({
      bankInstId: '1021000',
      brokerInstId: '10270000',
      branchId: '0002',
      tradeDate: '2026-12-05',
      fundAccountNo: '100000000001',
      customerName: '李四',
      currency: 'HKD',
      cashExFlag: '1',
      amount: Money.parse('12.30'),
    });
  });
});
