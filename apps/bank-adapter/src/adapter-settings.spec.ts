import { accountServiceUrlFrom, reconciliationServiceUrlFrom, timingsFor } from './adapter-settings';
import { testBankConfig } from './testing/minimal-bank';

describe('CUSTODY_ACCOUNT_URL', () => {
  it('is optional: unset or empty means no account service (12002 from the bank is then not offered)', () => {
    expect(accountServiceUrlFrom({})).toBeUndefined();
    expect(accountServiceUrlFrom({ CUSTODY_ACCOUNT_URL: '' })).toBeUndefined();
  });

  it('is an http(s) URL when set', () => {
    expect(accountServiceUrlFrom({ CUSTODY_ACCOUNT_URL: 'http://127.0.0.1:7001' })).toBe('http://127.0.0.1:7001');
    expect(() => accountServiceUrlFrom({ CUSTODY_ACCOUNT_URL: 'account:7001/x y' })).toThrow('CUSTODY_ACCOUNT_URL must be an http(s) URL');
    expect(() => accountServiceUrlFrom({ CUSTODY_ACCOUNT_URL: 'not a url' })).toThrow('CUSTODY_ACCOUNT_URL must be an http(s) URL');
  });
});

describe('CUSTODY_RECONCILIATION_URL', () => {
  it('is optional (no day files without it) and an http(s) URL when set', () => {
    expect(reconciliationServiceUrlFrom({})).toBeUndefined();
    expect(reconciliationServiceUrlFrom({ CUSTODY_RECONCILIATION_URL: 'http://127.0.0.1:7104' })).toBe('http://127.0.0.1:7104');
    expect(() => reconciliationServiceUrlFrom({ CUSTODY_RECONCILIATION_URL: 'ftp://files' })).toThrow('CUSTODY_RECONCILIATION_URL must be an http(s) URL');
  });
});

describe('BANK_FILE_STEP_LEASE_MS', () => {
  it('sets how long a file step\'s lease lasts (30 s unless set): a replica dead mid-step is taken over after it', () => {
    expect(timingsFor(testBankConfig(1, 1_000), {}, {}).fileStepLeaseMs).toBe(30_000);
    expect(timingsFor(testBankConfig(1, 1_000), {}, { BANK_FILE_STEP_LEASE_MS: '4000' }).fileStepLeaseMs).toBe(4_000);
    expect(() => timingsFor(testBankConfig(1, 1_000), {}, { BANK_FILE_STEP_LEASE_MS: '-1' })).toThrow('BANK_FILE_STEP_LEASE_MS must be a positive integer');
  });
});

describe('BANK_INBOUND_TARGET_MS', () => {
  it("is half the bank's reply deadline unless set: inbound admission keeps what it takes answered before the bank gives up", () => {
    const bank = { ...testBankConfig(1, 1_000), replyDeadlineMs: 2_000 };
    expect(timingsFor(bank, {}, {}).inboundTargetMs).toBe(1_000);
    expect(timingsFor(bank, {}, { BANK_INBOUND_TARGET_MS: '250' }).inboundTargetMs).toBe(250);
    expect(() => timingsFor(bank, {}, { BANK_INBOUND_TARGET_MS: '0' })).toThrow('BANK_INBOUND_TARGET_MS must be a positive integer');
  });
});
