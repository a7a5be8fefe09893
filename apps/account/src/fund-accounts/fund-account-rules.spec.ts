import { assertOpeningAllowed, MAX_FUND_ACCOUNTS_PER_CURRENCY, primaryChangeStart } from './fund-account-rules';

const account = (fundAccountNo: string, role: 'PRIMARY' | 'AUXILIARY', currency: 'CNY' | 'USD' = 'CNY') => ({ fundAccountNo, role, currency });
const opening = (role: 'PRIMARY' | 'AUXILIARY', currency: 'CNY' | 'USD' = 'CNY') => ({ customerNo: 'C1', currency, role });
const primaryAndAuxiliaries = (auxiliaries: number) => [account('P', 'PRIMARY'), ...Array.from({ length: auxiliaries }, (_, i) => account(`A${i}`, 'AUXILIARY'))];

describe('§13: a customer opens up to 5 fund accounts per currency, exactly one of them primary', () => {
  it('§13: the fifth fund account in a currency is opened, the sixth refused FUND_ACCOUNT_LIMIT_REACHED', () => {
    expect(MAX_FUND_ACCOUNTS_PER_CURRENCY).toBe(5);
    expect(() => assertOpeningAllowed(primaryAndAuxiliaries(3), opening('AUXILIARY'))).not.toThrow();
    expect(() => assertOpeningAllowed(primaryAndAuxiliaries(4), opening('AUXILIARY'))).toThrow(expect.objectContaining({ code: 'FUND_ACCOUNT_LIMIT_REACHED' }));
  });

  it('§13: the limit counts per currency: five CNY accounts leave room for a USD one', () => {
    expect(() => assertOpeningAllowed(primaryAndAuxiliaries(4), opening('AUXILIARY', 'USD'))).not.toThrow();
  });

  it('§13: a second PRIMARY is refused PRIMARY_EXISTS, naming the primary', () => {
    expect(() => assertOpeningAllowed(primaryAndAuxiliaries(1), opening('PRIMARY'))).toThrow(
      expect.objectContaining({ code: 'PRIMARY_EXISTS', detail: expect.stringContaining('primary fund account P') }),
    );
  });

  it('§13: the first fund account may be the primary; an auxiliary needs the primary first (VALIDATION_FAILED)', () => {
    expect(() => assertOpeningAllowed([], opening('PRIMARY'))).not.toThrow();
    expect(() => assertOpeningAllowed([], opening('AUXILIARY'))).toThrow(expect.objectContaining({ code: 'VALIDATION_FAILED' }));
  });
});

describe('§13: make-primary', () => {
  const target = { fundAccountNo: 'A1', customerNo: 'C1' };

  it('§13: an auxiliary is made primary by asking the transfer service, which owns the holds that may refuse it', () => {
    expect(primaryChangeStart(target, { fundAccountNo: 'P' }, null)).toBe('ASK_TRANSFER');
  });

  it('§13: the primary made primary again changes nothing', () => {
    expect(primaryChangeStart(target, { fundAccountNo: 'A1' }, null)).toBe('NOTHING_TO_CHANGE');
  });

  it('§13: while another change of the customer\'s primary is under way, any other is refused PRIMARY_CHANGE_REFUSED', () => {
    for (const primary of ['P', 'A1']) {
      expect(() => primaryChangeStart(target, { fundAccountNo: primary }, { fundAccountNo: 'A2' })).toThrow(
        expect.objectContaining({ code: 'PRIMARY_CHANGE_REFUSED', detail: expect.stringContaining('under way') }),
      );
    }
  });
});
