import { Money } from '@custody/money';
import { summaryConfirmation, transferFiguresOf } from './transfer-summary';

const record = (functionCode: '12001' | '12002' | '12003' | '12004', amount: string) => ({ functionCode, amount: Money.parse(amount) });

describe('13010 transfer summary check at the bank (bank-protocol.md §7 step 4)', () => {
  it('deposits are 12001 + 12003 records netted Σ12001 − Σ12003; withdrawals 12002 + 12004 netted Σ12002 − Σ12004', () => {
    const figures = transferFiguresOf([record('12001', '100.00'), record('12001', '50.00'), record('12003', '50.00'), record('12002', '30.00'), record('12004', '10.00')]);
    expect(figures).toEqual({ depositCount: 3, depositAmount: Money.parse('100.00'), withdrawalCount: 2, withdrawalAmount: Money.parse('20.00') });
  });

  it('an empty CHK01 sums to zero records and 0.00', () => {
    expect(transferFiguresOf([])).toEqual({ depositCount: 0, depositAmount: Money.zero(), withdrawalCount: 0, withdrawalAmount: Money.zero() });
  });

  const broker = { DpstNum: 1, DpstAmt: Money.parse('100.00'), WtdrNum: 0, WtdrAmt: Money.zero() };

  it('equal figures: ChkRst 0000, BkEntry the bank’s, ScEntry the broker’s echoed', () => {
    expect(summaryConfirmation(transferFiguresOf([record('12001', '100.00')]), broker)).toEqual({
      BkEntry: { DpstNum: 1, DpstAmt: Money.parse('100.00'), WtdrNum: 0, WtdrAmt: Money.zero() },
      ScEntry: broker,
      ChkRst: { Code: '0000' },
    });
  });

  it.each([
    ['a count', [record('12001', '60.00'), record('12001', '40.00')]],
    ['an amount', [record('12001', '100.01')]],
    ['the withdrawals', [record('12001', '100.00'), record('12002', '1.00')]],
  ])('%s differs: ChkRst 5208 with both sides’ figures', (_what, records) => {
    const confirmation = summaryConfirmation(transferFiguresOf(records), broker);
    expect(confirmation.ChkRst.Code).toBe('5208');
    expect(confirmation.BkEntry).toBeDefined();
    expect(confirmation.ScEntry).toBe(broker);
  });

  it('a net amount below zero cannot be an Amount: no BkEntry, ChkRst 5208', () => {
    const confirmation = summaryConfirmation(transferFiguresOf([record('12003', '5.00')]), broker);
    expect(confirmation).toEqual({ ScEntry: broker, ChkRst: { Code: '5208', Info: expect.stringContaining('-5.00') } });
  });
});
