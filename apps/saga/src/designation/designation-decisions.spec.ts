import { decideDesignation } from './designation-decisions';

const base = { callId: '6f9619ff-8b86-4011-b42d-00c04fc964ff', bankCode: '1021000', function: 'DESIGNATE' as const, serialNo: '20261121100000000001' };

describe('F-3.3 S designation and F-3.1 pre-designation decisions', () => {
  it('F-3.1: a success reply to an 11002 pre-designates, with the custody account the bank opened (no bank account yet)', () => {
    expect(decideDesignation('PRE_DESIGNATE', 'ORIGINAL', { ...base, function: 'PRE_DESIGNATE', outcome: 'REPLIED', returnCode: '0000', custodyAccountNo: 'C9' }, 1)).toEqual({
      state: 'DONE',
      resolution: { status: 'PRE_DESIGNATED', custodyAccountNo: 'C9' },
    });
  });

  it('a success reply designates with the custody account the bank opened', () => {
    expect(decideDesignation('DESIGNATE', 'ORIGINAL', { ...base, outcome: 'REPLIED', returnCode: '0000', custodyAccountNo: 'C1' }, 1)).toEqual({
      state: 'DONE',
      resolution: { status: 'DESIGNATED', custodyAccountNo: 'C1' },
    });
  });

  it('a bank refusal fails with its return code', () => {
    expect(decideDesignation('DESIGNATE', 'ORIGINAL', { ...base, outcome: 'REPLIED', returnCode: '1014' }, 1).resolution).toMatchObject({ status: 'FAILED', failure: { code: 'BANK_REJECTED', bankReturnCode: '1014' } });
  });

  it('a code that does not prove refusal (host error) re-sends instead of failing: the bank may have opened the account', () => {
    expect(decideDesignation('DESIGNATE', 'ORIGINAL', { ...base, outcome: 'REPLIED', returnCode: '1041' }, 1)).toMatchObject({ state: 'UNKNOWN', next: { purpose: 'RESEND' } });
  });

  it('nothing sent on the first try fails fast with BANK_UNAVAILABLE', () => {
    expect(decideDesignation('DESIGNATE', 'ORIGINAL', { ...base, outcome: 'NOT_SENT' }, 1).resolution?.failure?.code).toBe('BANK_UNAVAILABLE');
  });

  it('no reply re-sends the same request rather than guessing', () => {
    expect(decideDesignation('DESIGNATE', 'ORIGINAL', { ...base, outcome: 'NO_REPLY' }, 1)).toMatchObject({ state: 'UNKNOWN', next: { purpose: 'RESEND' } });
    expect(decideDesignation('DESIGNATE', 'RESEND', { ...base, outcome: 'NOT_SENT' }, 2)).toMatchObject({ state: 'UNKNOWN', next: { purpose: 'RESEND' } });
  });
});
