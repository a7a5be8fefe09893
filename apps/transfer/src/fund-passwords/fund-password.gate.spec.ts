import { randomBytes } from 'node:crypto';
import { PinVerifierPrivateKey } from '@custody/bank-protocol';
import { FUND_PASSWORD_VERDICTS, type FundPasswordVerdict, type FundPasswordVerificationRequest, fundPasswordAttemptIdSchema } from '@custody/contracts';
import { DomainError, FundPasswordAttemptConflict, FundPasswordVerificationClient, readFundPinPrivateKey } from '@custody/service-kit';
import { deriveAttemptDigestKey, transferPasswordAttemptId } from './fund-password-attempt';
import { type AccountFundPasswords, FundPasswordGate } from './fund-password.gate';

/** Plays the account service: records what it was sent and answers as told. */
class RecordingAccountService implements AccountFundPasswords {
  readonly requests: FundPasswordVerificationRequest[] = [];
  constructor(private readonly answer: FundPasswordVerdict | Error = 'MATCHED') {}
  async verify(request: FundPasswordVerificationRequest): Promise<FundPasswordVerdict> {
    this.requests.push(request);
    if (this.answer instanceof Error) throw this.answer;
    return this.answer;
  }
}

const ACCOUNT_KEY = new PinVerifierPrivateKey(readFundPinPrivateKey({}));
const DIGEST_KEY = deriveAttemptDigestKey(randomBytes(32));
const gateWith = (accountService: AccountFundPasswords | null) => new FundPasswordGate(accountService, ACCOUNT_KEY.publicKey, DIGEST_KEY);
const body = (fundPassword: string | undefined, requestId = 'r-1', fundAccountNo = '100000000002') => ({ requestId, fundAccountNo, fundPassword });
const codeOf = (promise: Promise<unknown>) => promise.then(() => 'ALLOWED', (error: unknown) => (error instanceof DomainError ? error.code : error));

describe('item 7: fundPassword on a transfer, verified by the account service before anything is created', () => {
  it('no fundPassword: the account service is not asked and the transfer goes on', async () => {
    const account = new RecordingAccountService();
    await expect(codeOf(gateWith(account).authorise(body(undefined)))).resolves.toBe('ALLOWED');
    expect(account.requests).toEqual([]);
  });

  it('the password crosses only as a PIN block under the account service\'s key, bound to the attempt: no digit of it in the request', async () => {
    const account = new RecordingAccountService();
    await gateWith(account).authorise(body('246810'));
    const [sent] = account.requests;
    expect(sent).toMatchObject({ attemptId: transferPasswordAttemptId('r-1'), fundAccountNo: '100000000002', pinKeyId: ACCOUNT_KEY.keyId });
    expect(Object.keys(sent).sort()).toEqual(['attemptDigest', 'attemptId', 'fundAccountNo', 'pinBlock', 'pinKeyId']);
    expect(JSON.stringify(sent)).not.toContain('246810');
    expect(ACCOUNT_KEY.recover({ keyId: sent.pinKeyId, block: sent.pinBlock }, sent).reveal()).toBe('246810');
  });

  it('one requestId is one attempt: its repeat has the same attempt id and digest; another password under it another digest', async () => {
    const account = new RecordingAccountService();
    const gate = gateWith(account);
    await gate.authorise(body('246810'));
    await gate.authorise(body('246810'));
    await gate.authorise(body('135799'));
    await gate.authorise(body('246810', 'r-2'));
    const [first, repeat, otherPassword, otherRequest] = account.requests;
    expect(repeat.attemptId).toBe(first.attemptId);
    expect(repeat.attemptDigest).toBe(first.attemptDigest);
    expect(otherPassword.attemptId).toBe(first.attemptId);
    expect(otherPassword.attemptDigest).not.toBe(first.attemptDigest);
    expect(otherRequest.attemptId).not.toBe(first.attemptId);
  });

  it('the attempt id fits the account service\'s alphabet whatever the requestId holds', () => {
    for (const requestId of ['r-1', '转账-0001', 'x'.repeat(64), 'a b/c?d']) expect(fundPasswordAttemptIdSchema.safeParse(transferPasswordAttemptId(requestId)).success).toBe(true);
  });

  const decisions = [
    ['MATCHED', 'ALLOWED'],
    ['MISMATCHED', 'FUND_PASSWORD_INVALID'],
    ['LOCKED', 'FUND_PASSWORD_LOCKED'],
    ['NOT_SET', 'FUND_PASSWORD_NOT_SET'],
    ['UNKNOWN_FUND_ACCOUNT', 'NOT_FOUND'],
    ['UNREADABLE', 'FUND_PASSWORD_UNVERIFIABLE'],
  ] as const;
  it.each(decisions)('the verdict %s is %s', async (verdict, code) => {
    await expect(codeOf(gateWith(new RecordingAccountService(verdict)).authorise(body('246810')))).resolves.toBe(code);
  });

  it('every verdict the account service can give has its decision above', () => {
    expect(decisions.map(([verdict]) => verdict).sort()).toEqual([...FUND_PASSWORD_VERDICTS].sort());
  });

  it('the account service unreachable, or none configured, is FUND_PASSWORD_UNVERIFIABLE', async () => {
    const unreachable = new FundPasswordVerificationClient('http://127.0.0.1:1', () => 'token', 500);
    await expect(codeOf(gateWith(unreachable).authorise(body('246810')))).resolves.toBe('FUND_PASSWORD_UNVERIFIABLE');
    await expect(codeOf(gateWith(null).authorise(body('246810')))).resolves.toBe('FUND_PASSWORD_UNVERIFIABLE');
  });

  it('the attempt already made with another password is IDEMPOTENCY_KEY_REUSED', async () => {
    const account = new RecordingAccountService(new FundPasswordAttemptConflict('409'));
    await expect(codeOf(gateWith(account).authorise(body('246810')))).resolves.toBe('IDEMPOTENCY_KEY_REUSED');
  });

  it('a fund account number with letters cannot carry a PIN block: VALIDATION_FAILED, and nothing is asked', async () => {
    const account = new RecordingAccountService();
    await expect(codeOf(gateWith(account).authorise(body('246810', 'r-1', 'F0001')))).resolves.toBe('VALIDATION_FAILED');
    expect(account.requests).toEqual([]);
  });
});
