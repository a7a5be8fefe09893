import { Money } from '@custody/money';
import { assertBalanced, balanceView, canTake } from './ledger-rules';

const m = (s: string) => Money.parse(s, 'signed');

describe('ledger rules', () => {
  it('available and withdrawable are the balance less active holds', () => {
    expect(balanceView('CNY', { balance: m('1000.00'), held: m('300.50') })).toEqual({
      currency: 'CNY',
      balance: '1000.00',
      available: '699.50',
      withdrawable: '699.50',
      frozen: '300.50',
    });
  });

  it('I7: a withdrawal may take exactly the withdrawable amount and not one cent more', () => {
    const figures = { balance: m('700.00'), held: m('0') };
    expect(canTake(figures, m('700.00'))).toBe(true);
    expect(canTake(figures, m('700.01'))).toBe(false);
  });

  it('I5: a posting whose lines do not sum to zero is refused', () => {
    expect(() => assertBalanced([{ account: 'A', fundAccountNo: null, amount: m('1') }, { account: 'B', fundAccountNo: null, amount: m('-0.99') }])).toThrow(/unbalanced/);
    expect(() => assertBalanced([{ account: 'A', fundAccountNo: null, amount: m('1') }])).toThrow(/unbalanced/);
    expect(() => assertBalanced([{ account: 'A', fundAccountNo: null, amount: m('1') }, { account: 'B', fundAccountNo: null, amount: m('-1') }])).not.toThrow();
  });
});
