import type { Completion } from '../engine/saga-flow';
import { decideCancellation } from './cancellation-decisions';

const base: Completion = { callId: '6f9619ff-8b86-4011-b42d-00c04fc964ff', bankCode: '1021000', function: 'CANCEL_DESIGNATION', serialNo: '20261207100000000001', outcome: 'REPLIED' };

describe('F-3.8 S: the saga after an 11004 call', () => {
  it('0000: the bank closed the custody account, the relationship is cancelled', () => {
    expect(decideCancellation('ORIGINAL', { ...base, returnCode: '0000' }, 1)).toEqual({ outcome: 'CANCELLED' });
    expect(decideCancellation('RESEND', { ...base, returnCode: '0000' }, 3)).toEqual({ outcome: 'CANCELLED' });
  });

  it.each(['5316', '5317', '5318', '1016'])("profile §4.1: the bank's %s is a definite refusal, BANK_REJECTED with its code (the ledger reopens)", (code) => {
    expect(decideCancellation('ORIGINAL', { ...base, returnCode: code, returnMessage: '该股东有资金余额' }, 1)).toEqual({
      outcome: 'REFUSED',
      failure: { code: 'BANK_REJECTED', bankReturnCode: code, message: '该股东有资金余额' },
    });
  });

  it('an unanswered cancellation is never guessed: no reply, or a code that proves nothing, sends it again with its serial', () => {
    expect(decideCancellation('ORIGINAL', { ...base, outcome: 'NO_REPLY' }, 1)).toEqual({ outcome: 'UNKNOWN', next: { purpose: 'RESEND', delayMs: 1000 } });
    expect(decideCancellation('RESEND', { ...base, returnCode: '1041' }, 2)).toEqual({ outcome: 'UNKNOWN', next: { purpose: 'RESEND', delayMs: 2000 } });
    expect(decideCancellation('RESEND', { ...base, outcome: 'NOT_SENT' }, 3)).toMatchObject({ outcome: 'UNKNOWN' });
  });

  it('a first send that never left is a definite failure, BANK_UNAVAILABLE (the ledger reopens)', () => {
    expect(decideCancellation('ORIGINAL', { ...base, outcome: 'NOT_SENT', reason: 'breaker open' }, 1)).toEqual({ outcome: 'REFUSED', failure: { code: 'BANK_UNAVAILABLE', message: 'breaker open' } });
  });
});
