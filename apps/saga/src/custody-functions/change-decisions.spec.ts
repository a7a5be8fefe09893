import type { Completion } from '../engine/saga-flow';
import { decideChange } from './change-decisions';

const base: Completion = { callId: '6f9619ff-8b86-4011-b42d-00c04fc964ff', bankCode: '1021000', function: 'CHANGE_BANK_ACCOUNT', serialNo: '20261207100000000001', outcome: 'REPLIED' };

describe('a broker change at the bank after a call (F-3.4 S 11006, F-3.5 S 11005)', () => {
  it('a 0000 is the change made', () => {
    expect(decideChange('ORIGINAL', { ...base, returnCode: '0000' }, 1)).toEqual({ state: 'DONE', verdict: { status: 'SUCCEEDED' } });
    expect(decideChange('RESEND', { ...base, returnCode: '0000' }, 3)).toEqual({ state: 'DONE', verdict: { status: 'SUCCEEDED' } });
  });

  it("profile §4.1: a definite refusal (5016 not the same customer, 1016 not linked, 1017 same account, 1001, 1014) is BANK_REJECTED with the bank's code", () => {
    for (const code of ['5016', '1016', '1017', '1001', '1014', '5219']) {
      expect(decideChange('ORIGINAL', { ...base, returnCode: code, returnMessage: 'refused' }, 1)).toEqual({
        state: 'DONE',
        verdict: { status: 'FAILED', failure: { code: 'BANK_REJECTED', bankReturnCode: code, message: 'refused' } },
      });
    }
  });

  it('it changes the bank’s books: no answer, or one that proves nothing (1041, 1004), is sent again with the same serial, never guessed', () => {
    expect(decideChange('ORIGINAL', { ...base, outcome: 'NO_REPLY' }, 1)).toEqual({ state: 'UNKNOWN', next: { purpose: 'RESEND', delayMs: 1000 } });
    expect(decideChange('RESEND', { ...base, returnCode: '1041' }, 2)).toEqual({ state: 'UNKNOWN', next: { purpose: 'RESEND', delayMs: 2000 } });
    expect(decideChange('RESEND', { ...base, returnCode: '1004' }, 3)).toMatchObject({ state: 'UNKNOWN', next: { purpose: 'RESEND' } });
  });

  it('only a first call never written fails at once; a resend not written proves nothing of the first', () => {
    expect(decideChange('ORIGINAL', { ...base, outcome: 'NOT_SENT', reason: 'breaker open' }, 1)).toEqual({
      state: 'DONE',
      verdict: { status: 'FAILED', failure: { code: 'BANK_UNAVAILABLE', message: 'breaker open' } },
    });
    expect(decideChange('RESEND', { ...base, outcome: 'NOT_SENT', reason: 'breaker open' }, 2)).toMatchObject({ state: 'UNKNOWN', next: { purpose: 'RESEND' } });
  });
});
