import { assertCurrencyOpening, assertOpeningAllowed, MAX_FUND_ACCOUNTS_PER_CURRENCY, primaryChangeStart } from './fund-account-rules';

const account = (fundAccountNo: string, role: 'PRIMARY' | 'AUXILIARY', currency: 'CNY' | 'USD' = 'CNY') => ({ fundAccountNo, role, currency });
const opening = (role: 'PRIMARY' | 'AUXILIARY', currency: 'CNY' | 'USD' = 'CNY', fundAccountNo = 'NEW') => ({ fundAccountNo, customerNo: 'C1', currency, role, branchId: '0001' });
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

  it("§13, api.md: another currency of the primary is the primary's (no second primary)", () => {
    expect(() => assertOpeningAllowed(primaryAndAuxiliaries(1), opening('PRIMARY', 'USD', 'P'))).not.toThrow();
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

describe('api.md: a fund account number may hold several currencies', () => {
  const cny = { currency: 'CNY' as const, customerNo: 'C1', role: 'PRIMARY' as const, branchId: '0001' };

  it('a new number, or the same number in another currency with the same customer, role and branch, opens', () => {
    expect(() => assertCurrencyOpening([], opening('PRIMARY'), null)).not.toThrow();
    expect(() => assertCurrencyOpening([cny], opening('PRIMARY', 'USD'), null)).not.toThrow();
  });

  it('a currency the number is opened in already is ALREADY_EXISTS', () => {
    expect(() => assertCurrencyOpening([cny], opening('PRIMARY', 'CNY'), null)).toThrow(expect.objectContaining({ code: 'ALREADY_EXISTS', detail: expect.stringContaining('already opened in CNY') }));
  });

  it("another customer's number is ALREADY_EXISTS", () => {
    expect(() => assertCurrencyOpening([{ ...cny, customerNo: 'C2' }], opening('PRIMARY', 'USD'), null)).toThrow(
      expect.objectContaining({ code: 'ALREADY_EXISTS', detail: expect.stringContaining('another customer') }),
    );
  });

  it.each([
    ['role', { ...opening('AUXILIARY', 'USD') }],
    ['branch', { ...opening('PRIMARY', 'USD'), branchId: '0002' }],
  ])('another %s than the fund account has is VALIDATION_FAILED, naming what it has', (_field, other) => {
    expect(() => assertCurrencyOpening([cny], other, null)).toThrow(expect.objectContaining({ code: 'VALIDATION_FAILED', detail: expect.stringContaining('PRIMARY at branch 0001') }));
  });

  it('§13: while a change of the customer’s primary is under way another currency waits for the role it leaves (PRIMARY_CHANGE_UNDER_WAY); a new number does not', () => {
    expect(() => assertCurrencyOpening([cny], opening('PRIMARY', 'USD'), { fundAccountNo: 'A1' })).toThrow(
      expect.objectContaining({ code: 'PRIMARY_CHANGE_UNDER_WAY', detail: expect.stringContaining('A1') }),
    );
    expect(() => assertCurrencyOpening([], opening('AUXILIARY', 'USD'), { fundAccountNo: 'A1' })).not.toThrow();
  });
});
