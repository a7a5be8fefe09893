import { Money } from '@custody/money';
import { type ClosingFacts, closingDecision } from './ledger-closing-rules';

const FUNCTION_ID = '6f9619ff-8b86-4011-b42d-00c04fc964ff';
const request = { functionId: FUNCTION_ID, fundAccountNo: '880001', currency: 'CNY', bankCode: '1021000', purpose: 'CANCELLATION' } as const;
const ledger = { custodyStatus: 'DESIGNATED', bankCode: '1021000', accountStatus: 'NORMAL', closedFor: null, balance: Money.zero() } as const;
const empty: ClosingFacts = { ledger, transfersInFlight: 0, tradingHeld: Money.zero() };

describe('F-3.8: the ledger closes for a cancellation only with nothing on it', () => {
  it('F-3.8: a designated ledger with zero balance, no hold and nothing in flight closes, at 0.00', () => {
    expect(closingDecision(request, empty)).toEqual({ decision: 'CLOSE', balance: Money.zero() });
  });

  it('profile §4.1: a pre-designated ledger closes too (its 11004 goes without a bank account)', () => {
    expect(closingDecision(request, { ...empty, ledger: { ...ledger, custodyStatus: 'PRE_DESIGNATED' } })).toMatchObject({ decision: 'CLOSE' });
  });

  it('F-3.8: a balance is CANCELLATION_REFUSED, the detail naming it', () => {
    const refused = closingDecision(request, { ...empty, ledger: { ...ledger, balance: Money.parse('0.01') } });
    expect(refused).toMatchObject({ decision: 'REFUSE', code: 'CANCELLATION_REFUSED' });
    expect(refused.decision === 'REFUSE' && refused.message).toContain('a balance of 0.01');
  });

  it('F-3.8: a trading hold is CANCELLATION_REFUSED, the detail naming the hold', () => {
    const refused = closingDecision(request, { ...empty, tradingHeld: Money.parse('20.00') });
    expect(refused).toMatchObject({ decision: 'REFUSE', code: 'CANCELLATION_REFUSED' });
    expect(refused.decision === 'REFUSE' && refused.message).toContain('a hold of 20.00');
  });

  it('F-3.8: a transfer in flight is CANCELLATION_REFUSED, the detail naming it', () => {
    const refused = closingDecision(request, { ...empty, transfersInFlight: 1 });
    expect(refused).toMatchObject({ decision: 'REFUSE', code: 'CANCELLATION_REFUSED' });
    expect(refused.decision === 'REFUSE' && refused.message).toContain('1 transfer(s) in flight');
  });

  it('F-3.8: every reason that holds is named at once', () => {
    const refused = closingDecision(request, { ledger: { ...ledger, balance: Money.parse('100.00') }, transfersInFlight: 2, tradingHeld: Money.parse('30.00') });
    expect(refused.decision === 'REFUSE' && refused.message).toMatch(/2 transfer\(s\) in flight; a hold of 30\.00; a balance of 100\.00/);
  });

  it.each(['FROZEN', 'LOST'] as const)('11011: a %s relationship is RELATIONSHIP_FROZEN, even with nothing on it', (accountStatus) => {
    expect(closingDecision(request, { ...empty, ledger: { ...ledger, accountStatus } })).toMatchObject({ decision: 'REFUSE', code: 'RELATIONSHIP_FROZEN' });
  });

  it('a ledger closed for another function is RELATIONSHIP_CHANGING', () => {
    expect(closingDecision(request, { ...empty, ledger: { ...ledger, closedFor: '00000000-0000-4000-8000-000000000000' } })).toMatchObject({ decision: 'REFUSE', code: 'RELATIONSHIP_CHANGING' });
  });

  it('no ledger, a ledger not linked (NONE, CANCELLED) or linked to another bank is RELATIONSHIP_NOT_ACTIVE', () => {
    expect(closingDecision(request, { ...empty, ledger: undefined })).toMatchObject({ decision: 'REFUSE', code: 'RELATIONSHIP_NOT_ACTIVE' });
    for (const custodyStatus of ['NONE', 'CANCELLED']) {
      expect(closingDecision(request, { ...empty, ledger: { ...ledger, custodyStatus } })).toMatchObject({ decision: 'REFUSE', code: 'RELATIONSHIP_NOT_ACTIVE' });
    }
    expect(closingDecision(request, { ...empty, ledger: { ...ledger, bankCode: '1051000' } })).toMatchObject({ decision: 'REFUSE', code: 'RELATIONSHIP_NOT_ACTIVE' });
  });
});

describe('F-3.6: the ledger closes for a change of custodian bank with its balance, never with a hold or a transfer in flight', () => {
  const change = { ...request, purpose: 'BANK_CHANGE' } as const;

  it('F-3.6: a balance closes, at that balance: it is what leaves the old bank', () => {
    expect(closingDecision(change, { ...empty, ledger: { ...ledger, balance: Money.parse('300.00') } })).toEqual({ decision: 'CLOSE', balance: Money.parse('300.00') });
  });

  it('F-3.6: a hold or a transfer in flight is BANK_CHANGE_REFUSED, naming each', () => {
    const refused = closingDecision(change, { ...empty, transfersInFlight: 1, tradingHeld: Money.parse('20.00') });
    expect(refused).toMatchObject({ decision: 'REFUSE', code: 'BANK_CHANGE_REFUSED' });
    expect(refused.decision === 'REFUSE' && refused.message).toMatch(/cannot change its custodian bank: 1 transfer\(s\) in flight; a hold of 20\.00 \(domain\.md F-3\.6/);
  });

  it('11011: a frozen relationship is RELATIONSHIP_FROZEN', () => {
    expect(closingDecision(change, { ...empty, ledger: { ...ledger, accountStatus: 'FROZEN' } })).toMatchObject({ decision: 'REFUSE', code: 'RELATIONSHIP_FROZEN' });
  });
});
