import type { Completion } from '../engine/saga-flow';
import { decideIdentityCheck } from './identity-check-decisions';

const base: Completion = { callId: '6f9619ff-8b86-4011-b42d-00c04fc964ff', bankCode: '1021000', function: 'CHECK_IDENTITY', serialNo: '20261207100000000001', outcome: 'REPLIED' };

describe('F-3.11 S: the broker’s identity check after its one call (11007)', () => {
  it('0000: the bank’s holder is the customer — matched', () => {
    expect(decideIdentityCheck({ ...base, returnCode: '0000' })).toEqual({ status: 'SUCCEEDED', identityCheck: { matched: true, bankReturnCode: '0000' } });
  });

  it.each([
    ['5010', 'the ID type differs'],
    ['5011', 'the ID number differs'],
    ['5016', 'the name is another person’s'],
    ['1012', 'the document differs'],
  ])('§7.23 %s (%s) is an answer, not a failure: matched false with the bank’s code', (code) => {
    expect(decideIdentityCheck({ ...base, returnCode: code, returnMessage: 'x' })).toEqual({ status: 'SUCCEEDED', identityCheck: { matched: false, bankReturnCode: code } });
  });

  it.each(['1014', '1016', '1044', '1034'])('%s means the bank did not compare: BANK_REJECTED with its code', (code) => {
    expect(decideIdentityCheck({ ...base, returnCode: code, returnMessage: 'refused' })).toEqual({
      status: 'FAILED',
      failure: { code: 'BANK_REJECTED', bankReturnCode: code, message: 'refused' },
    });
  });

  it('a check moves nothing: no reply is BANK_UNAVAILABLE at once, never resent', () => {
    expect(decideIdentityCheck({ ...base, outcome: 'NO_REPLY' })).toMatchObject({ status: 'FAILED', failure: { code: 'BANK_UNAVAILABLE' } });
    expect(decideIdentityCheck({ ...base, outcome: 'NOT_SENT', reason: 'breaker open' })).toEqual({ status: 'FAILED', failure: { code: 'BANK_UNAVAILABLE', message: 'breaker open' } });
  });
});
