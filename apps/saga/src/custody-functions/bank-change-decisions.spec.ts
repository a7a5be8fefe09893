import type { Completion } from '../engine/saga-flow';
import { decideBankChange } from './bank-change-decisions';

const base: Completion = { callId: '6f9619ff-8b86-4011-b42d-00c04fc964ff', bankCode: '1021000', function: 'CHANGE_ACCOUNT_STATUS', serialNo: '20261207100000000002', outcome: 'REPLIED' };

describe('a broker function that changes the bank’s books after a call (11011 S)', () => {
  it('0000 ends it SUCCEEDED', () => {
    expect(decideBankChange('ORIGINAL', { ...base, returnCode: '0000' }, 1)).toEqual({ state: 'DONE', verdict: { status: 'SUCCEEDED' } });
  });

  it.each(['5003', '5004', '5005', '1016'])('profile §4.1: the bank’s definite refusal %s ends it BANK_REJECTED with the code', (code) => {
    expect(decideBankChange('RESEND', { ...base, returnCode: code, returnMessage: 'no' }, 3)).toEqual({
      state: 'DONE',
      verdict: { status: 'FAILED', failure: { code: 'BANK_REJECTED', bankReturnCode: code, message: 'no' } },
    });
  });

  it('no reply is never a guess: the same request goes again, the delay growing with the attempts', () => {
    expect(decideBankChange('ORIGINAL', { ...base, outcome: 'NO_REPLY' }, 1)).toEqual({ state: 'UNKNOWN', next: { purpose: 'RESEND', delayMs: 1000 } });
    expect(decideBankChange('RESEND', { ...base, outcome: 'NO_REPLY' }, 3)).toEqual({ state: 'UNKNOWN', next: { purpose: 'RESEND', delayMs: 4000 } });
  });

  it('a code that proves nothing (1041 host error) is asked again, not taken for a refusal', () => {
    expect(decideBankChange('ORIGINAL', { ...base, returnCode: '1041' }, 1)).toMatchObject({ state: 'UNKNOWN', next: { purpose: 'RESEND' } });
  });

  it('NOT_SENT ends it BANK_UNAVAILABLE only on the first send; after one that may have gone, it is sent again', () => {
    expect(decideBankChange('ORIGINAL', { ...base, outcome: 'NOT_SENT', reason: 'breaker open' }, 1)).toEqual({
      state: 'DONE',
      verdict: { status: 'FAILED', failure: { code: 'BANK_UNAVAILABLE', message: 'breaker open' } },
    });
    expect(decideBankChange('RESEND', { ...base, outcome: 'NOT_SENT', reason: 'breaker open' }, 2)).toMatchObject({ state: 'UNKNOWN', next: { purpose: 'RESEND' } });
  });
});
