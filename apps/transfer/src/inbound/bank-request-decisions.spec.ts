import { Money } from '@custody/money';
import { type FundBalanceQueryFacts, fundBalanceQueryVerdict, originalResult, reversalVerdict, type RecordedOriginal, type ReversalFacts } from './bank-request-decisions';

const deposit: RecordedOriginal = { type: 'BANK_TO_SECURITIES', status: 'SUCCEEDED', fundAccountNo: '100000000001', currency: 'CNY', amount: Money.parse('250.00'), bankAccountNo: '6222' };
const withdrawal: RecordedOriginal = { ...deposit, type: 'SECURITIES_TO_BANK' };
const reversal: ReversalFacts['reversal'] = { function: 'REVERSE_BANK_TO_SECURITIES', namesOwnRequest: true, fundAccountNo: '100000000001', currency: 'CNY', amount: Money.parse('250.00'), bankAccountNo: '6222' };
const facts = (over: Partial<ReversalFacts> = {}): ReversalFacts => ({ reversal, original: deposit, namesAReversal: false, alreadyReversed: false, available: Money.parse('250.00'), ...over });

describe('bank-initiated request decisions (domain.md §4, bank-protocol.md §4)', () => {
  describe('F-3.9 B: fund ledger balance query (11008)', () => {
    const ledger = { custodyStatus: 'DESIGNATED', bankCode: '1021000', figures: { balance: Money.parse('1000.00'), held: Money.parse('300.00') } };
    const query = (over: Partial<FundBalanceQueryFacts> = {}): FundBalanceQueryFacts => ({ bankCode: '1021000', ledger, otherCurrency: false, fundPassword: 'MATCHED', ...over });

    it('the right password gets balance, available (less holds) and withdrawable, as GET …/balances computes them', () => {
      const verdict = fundBalanceQueryVerdict(query());
      if (verdict.code !== '0000') throw new Error(`refused ${verdict.code}`);
      expect([verdict.balances.balance, verdict.balances.available, verdict.balances.withdrawable].map((m) => m.toString())).toEqual(['1000.00', '700.00', '700.00']);
    });

    it.each(['MISMATCHED', 'LOCKED', 'NOT_SET', 'MISSING', 'UNREADABLE', undefined] as const)('fund password %s is 2001 and shows no balance', (fundPassword) => {
      expect(fundBalanceQueryVerdict(query({ fundPassword }))).toEqual({ code: '2001', why: expect.any(String) });
    });

    it('an unknown fund account is 2011, one known only in another currency 3011', () => {
      expect(fundBalanceQueryVerdict(query({ ledger: undefined }))).toMatchObject({ code: '2011' });
      expect(fundBalanceQueryVerdict(query({ ledger: undefined, otherCurrency: true }))).toMatchObject({ code: '3011' });
    });

    it.each([
      ['designated at another bank', { ...ledger, bankCode: '1031000' }],
      ['only pre-designated', { ...ledger, custodyStatus: 'PRE_DESIGNATED' }],
      ['cancelled', { ...ledger, custodyStatus: 'CANCELLED' }],
    ])('a fund account %s is 2013 before the password is looked at', (_case, other) => {
      expect(fundBalanceQueryVerdict(query({ ledger: other, fundPassword: 'MISMATCHED' }))).toMatchObject({ code: '2013' });
    });
  });

  describe('F-4.3 B / F-4.4 B: reversals', () => {
    it('a credited deposit whose funds are all available is debited back', () => {
      expect(reversalVerdict(facts())).toEqual({ code: '0000', action: 'DEBIT_BACK' });
    });

    it('a credited deposit with less available than credited (used or held) is 2008, with the figures', () => {
      const v = reversalVerdict(facts({ available: Money.parse('249.99') }));
      expect(v).toMatchObject({ code: '2008', why: expect.stringContaining('249.99 CNY available of the 250.00') });
    });

    it('a debited withdrawal is credited back, whatever the ledger holds', () => {
      const v = reversalVerdict(facts({ original: withdrawal, reversal: { ...reversal, function: 'REVERSE_SECURITIES_TO_BANK' }, available: Money.zero() }));
      expect(v).toEqual({ code: '0000', action: 'CREDIT_BACK' });
    });

    it('F-3.8/F-3.6: once the relationship the original went through ended (cancelled, or moved to another bank), money does not go back through it: 2013, for an operator', () => {
      expect(reversalVerdict(facts({ relationship: 'ENDED' }))).toMatchObject({ code: '2013', why: expect.stringContaining('ended') });
      const withdrawalBack = reversalVerdict(facts({ original: withdrawal, reversal: { ...reversal, function: 'REVERSE_SECURITIES_TO_BANK' }, relationship: 'ENDED' }));
      expect(withdrawalBack).toMatchObject({ code: '2013' });
    });

    it('F-3.8/F-3.6: while the relationship is changing (its ledger closed for the bank’s answer) the balance must not move: 3003, asked again later', () => {
      expect(reversalVerdict(facts({ relationship: 'CHANGING' }))).toMatchObject({ code: '3003' });
    });

    it('an original we refused is granted with nothing to undo, even once its relationship ended', () => {
      expect(reversalVerdict(facts({ original: { ...deposit, status: 'FAILED' }, relationship: 'ENDED' }))).toEqual({ code: '0000', action: 'MARK_REVERSED' });
    });

    it('an original we refused is granted with nothing to undo', () => {
      expect(reversalVerdict(facts({ original: { ...deposit, status: 'FAILED' } }))).toEqual({ code: '0000', action: 'MARK_REVERSED' });
    });

    it('an original already reversed is 2006', () => {
      expect(reversalVerdict(facts({ original: { ...deposit, status: 'REVERSED' } })).code).toBe('2006');
    });

    it('an original never seen is 2005 and remembered; once barred, a different reversal of it is 2006', () => {
      expect(reversalVerdict(facts({ original: undefined }))).toEqual({ code: '2005', action: 'REMEMBER' });
      expect(reversalVerdict(facts({ original: undefined, alreadyReversed: true })).code).toBe('2006');
    });

    it.each<[string, Partial<ReversalFacts['reversal']>]>([
      ['another fund account', { fundAccountNo: '100000000002' }],
      ['another currency', { currency: 'USD' }],
      ['another amount', { amount: Money.parse('250.01') }],
      ['another bank account', { bankAccountNo: '6223' }],
      ['the other function (12004 of a 12001)', { function: 'REVERSE_SECURITIES_TO_BANK' }],
      ['a CnRef the bank did not issue', { namesOwnRequest: false }],
    ])('%s does not match: 2007', (_what, change) => {
      expect(reversalVerdict(facts({ reversal: { ...reversal, ...change } })).code).toBe('2007');
    });

    it('a mismatch is 2007 even when the named original was already reversed', () => {
      expect(reversalVerdict(facts({ original: { ...deposit, status: 'REVERSED' }, reversal: { ...reversal, amount: Money.parse('1.00') } })).code).toBe('2007');
    });

    it('a reversal that repeats neither account, currency nor amount matches by CnRef alone', () => {
      expect(reversalVerdict(facts({ reversal: { ...reversal, fundAccountNo: '', currency: '', amount: undefined, bankAccountNo: undefined } })).code).toBe('0000');
    });

    it('a reversal of a reversal is 2007 (seen, but not an original), never 2005', () => {
      expect(reversalVerdict(facts({ original: undefined, namesAReversal: true })).code).toBe('2007');
    });

    it('a bank-initiated original is never open; finding one open is a bug, not an answer', () => {
      expect(() => reversalVerdict(facts({ original: { ...deposit, status: 'UNKNOWN' } }))).toThrow(/should be final/);
    });
  });

  describe('F-4.6: OrgRst', () => {
    it.each<[Parameters<typeof originalResult>[0], string | null, string]>([
      ['SUCCEEDED', null, '0000'],
      ['FAILED', '3001', '3001'],
      ['FAILED', '1002', '1002'],
      ['FAILED', null, '2026'],
      ['REVERSED', '3001', '2006'],
      ['PENDING', null, '2028'],
      ['UNKNOWN', null, '2028'],
    ])('%s (failed with %s) → %s', (status, failedWith, expected) => {
      expect(originalResult(status, failedWith)).toBe(expected);
    });
  });
});
