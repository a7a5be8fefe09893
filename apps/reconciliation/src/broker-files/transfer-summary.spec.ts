import { Money } from '@custody/money';
import { transferSummaryOf } from './transfer-summary';

describe('bank-protocol.md §7 step 4: the 13010 figures of a CHK01', () => {
  it('deposits = 12001 + 12003 records, Σ 12001 − Σ 12003; withdrawals = 12002 + 12004 records, Σ 12002 − Σ 12004', () => {
    const total = (functionCode: string, count: number, amount: string) => ({ functionCode, count, amount: Money.parse(amount) });
    expect(transferSummaryOf([total('12001', 3, '600.00'), total('12003', 1, '100.00'), total('12002', 2, '80.00'), total('12004', 1, '30.00')])).toEqual({
      depositCount: 4,
      depositAmount: Money.parse('500.00'),
      withdrawalCount: 3,
      withdrawalAmount: Money.parse('50.00'),
    });
  });

  it('a day with reversals only has negative sums; an empty day is all zero', () => {
    expect(transferSummaryOf([{ functionCode: '12003', count: 1, amount: Money.parse('10.00') }])).toMatchObject({ depositCount: 1, depositAmount: Money.parse('-10.00', 'signed') });
    expect(transferSummaryOf([])).toEqual({ depositCount: 0, depositAmount: Money.zero(), withdrawalCount: 0, withdrawalAmount: Money.zero() });
  });
});
