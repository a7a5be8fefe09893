import type { Completion } from '../engine/saga-flow';
import { decideBankChangeCall } from './custodian-bank-change-decisions';

const completion = (fields: Partial<Completion>): Completion => ({ callId: '00000000-0000-4000-8000-000000000001', bankCode: '1021000', function: 'CANCEL_DESIGNATION', serialNo: '1', outcome: 'REPLIED', ...fields });

describe('F-3.6: what each bank call of a change of custodian bank decides', () => {
  it.each(['CLOSE_AT_OLD', 'OPEN_AT_NEW_RESEND', 'RESTORE_AT_OLD'] as const)('%s: 0000 ends the step', (purpose) => {
    expect(decideBankChangeCall(purpose, completion({ returnCode: '0000' }), 1)).toEqual({ outcome: 'DONE' });
  });

  it('a definite refusal (5316 at the old bank, 5016 at the new) is REFUSED with the bank’s code', () => {
    expect(decideBankChangeCall('CLOSE_AT_OLD', completion({ returnCode: '5316', returnMessage: '该股东有资金余额' }), 1)).toEqual({
      outcome: 'REFUSED',
      failure: { code: 'BANK_REJECTED', bankReturnCode: '5316', message: '该股东有资金余额' },
    });
    expect(decideBankChangeCall('OPEN_AT_NEW', completion({ returnCode: '5016' }), 1)).toMatchObject({ outcome: 'REFUSED', failure: { bankReturnCode: '5016' } });
  });

  it('only the first 11004 that never left ends the change on nothing sent (BANK_UNAVAILABLE)', () => {
    expect(decideBankChangeCall('CLOSE_AT_OLD', completion({ outcome: 'NOT_SENT', reason: 'no session' }), 1)).toEqual({
      outcome: 'REFUSED',
      failure: { code: 'BANK_UNAVAILABLE', message: 'no session' },
    });
    expect(decideBankChangeCall('CLOSE_AT_OLD_RESEND', completion({ outcome: 'NOT_SENT' }), 2)).toMatchObject({ outcome: 'UNKNOWN', next: { purpose: 'CLOSE_AT_OLD_RESEND' } });
  });

  it('once the money left the old bank, an 11001 or 11002 that never left is sent again: the customer is never given up on a guess', () => {
    expect(decideBankChangeCall('OPEN_AT_NEW', completion({ outcome: 'NOT_SENT' }), 1)).toMatchObject({ outcome: 'UNKNOWN', next: { purpose: 'OPEN_AT_NEW_RESEND' } });
    expect(decideBankChangeCall('RESTORE_AT_OLD', completion({ outcome: 'NOT_SENT' }), 1)).toMatchObject({ outcome: 'UNKNOWN', next: { purpose: 'RESTORE_AT_OLD_RESEND' } });
  });

  it('no reply, or a code that does not prove a refusal (1004, 9999), sends the same call again under its serial', () => {
    expect(decideBankChangeCall('OPEN_AT_NEW', completion({ outcome: 'NO_REPLY' }), 3)).toMatchObject({ outcome: 'UNKNOWN', next: { purpose: 'OPEN_AT_NEW_RESEND', delayMs: expect.any(Number) } });
    expect(decideBankChangeCall('CLOSE_AT_OLD', completion({ returnCode: '9999' }), 1)).toMatchObject({ outcome: 'UNKNOWN', next: { purpose: 'CLOSE_AT_OLD_RESEND' } });
  });
});
