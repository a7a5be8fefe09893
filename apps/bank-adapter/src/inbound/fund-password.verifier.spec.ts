import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { ClearPin, encryptPinBlock } from '@custody/bank-protocol';
import { PIN_KEY } from '../testing/bank-session.fake';
import {
  type AccountServiceVerdict,
  type FundPasswordAttempt,
  fundPasswordAttempt,
  type FundPasswordChecker,
  FundPasswordServiceUnavailable,
  HttpFundPasswordChecker,
  verifyFundPassword,
} from './fund-password.verifier';

const FUND_ACCOUNT = '880001';
const ATTEMPT = fundPasswordAttempt('1021000', 'B2026112100000008', FUND_ACCOUNT);

/** Answers as the account service's verification endpoint would; `respond` decides per request. */
class AccountServiceStub {
  readonly requests: Array<{ path: string; authorization: string | undefined; body: unknown }> = [];
  respond: (res: ServerResponse) => void = (res) => res.writeHead(200, { 'content-type': 'application/json' }).end('{"result":"MATCHED"}');
  private server: Server | undefined;
  url = '';

  async start(): Promise<void> {
    const server = createServer((req: IncomingMessage, res) => {
      let raw = '';
      req.on('data', (chunk: Buffer) => (raw += chunk.toString()));
      req.on('end', () => {
        this.requests.push({ path: req.url ?? '', authorization: req.headers.authorization, body: JSON.parse(raw) as unknown });
        this.respond(res);
      });
    });
    this.server = server;
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
    this.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
  }

  async stop(): Promise<void> {
    const server = this.server;
    server?.closeAllConnections();
    if (server) await new Promise<void>((resolve) => server.close(() => resolve()));
  }
}

class StaticChecker implements FundPasswordChecker {
  readonly seen: Array<{ attemptId: string; fundAccountNo: string; pin: string }> = [];
  constructor(private readonly verdict: AccountServiceVerdict | Error) {}
  async check({ attemptId, fundAccountNo }: FundPasswordAttempt, pin: ClearPin): Promise<AccountServiceVerdict> {
    this.seen.push({ attemptId, fundAccountNo, pin: pin.reveal() });
    if (this.verdict instanceof Error) throw this.verdict;
    return this.verdict;
  }
}

const block = (pin: string, account = FUND_ACCOUNT): string => encryptPinBlock(PIN_KEY, ClearPin.of(pin), account);

describe('F-4.2 B: the fund password, decrypted with the session PIN key and verified at once', () => {
  it('a PIN block under the session PIN key, bound to the fund account, reaches the checker as the clear PIN', async () => {
    const checker = new StaticChecker('MATCHED');
    await expect(verifyFundPassword({ kind: 'BLOCK', block: block('135790') }, ATTEMPT, PIN_KEY, checker)).resolves.toBe('MATCHED');
    expect(checker.seen).toEqual([{ attemptId: ATTEMPT.attemptId, fundAccountNo: FUND_ACCOUNT, pin: '135790' }]);
  });

  it.each(['MATCHED', 'MISMATCHED', 'LOCKED', 'NOT_SET'] as const)('the account service verdict %s is the verdict', async (verdict) => {
    await expect(verifyFundPassword({ kind: 'BLOCK', block: block('1234') }, ATTEMPT, PIN_KEY, new StaticChecker(verdict))).resolves.toBe(verdict);
  });

  it('a fund account the account service does not know is forwarded as NOT_SET (its owner answers 2011)', async () => {
    await expect(verifyFundPassword({ kind: 'BLOCK', block: block('1234') }, ATTEMPT, PIN_KEY, new StaticChecker('UNKNOWN_FUND_ACCOUNT'))).resolves.toBe('NOT_SET');
  });

  it.each([
    ['made for another account', block('1234', '770001'), PIN_KEY],
    ['under another PIN key', encryptPinBlock(Buffer.alloc(16, 3), ClearPin.of('1234'), FUND_ACCOUNT), PIN_KEY],
    ['not 16 hex characters', 'XYZ', PIN_KEY],
    ['on a session without working keys', block('1234'), undefined],
  ])('a block %s is UNREADABLE and the account service is not asked (no wrong attempt counted)', async (_case, pwd, key) => {
    const checker = new StaticChecker('MATCHED');
    await expect(verifyFundPassword({ kind: 'BLOCK', block: pwd }, ATTEMPT, key, checker)).resolves.toBe('UNREADABLE');
    expect(checker.seen).toEqual([]);
  });

  it('MISSING and UNREADABLE inputs are verdicts of their own', async () => {
    const checker = new StaticChecker('MATCHED');
    await expect(verifyFundPassword({ kind: 'MISSING' }, ATTEMPT, PIN_KEY, checker)).resolves.toBe('MISSING');
    await expect(verifyFundPassword({ kind: 'UNREADABLE', why: 'Enc 01' }, ATTEMPT, PIN_KEY, checker)).resolves.toBe('UNREADABLE');
    expect(checker.seen).toEqual([]);
  });
});

describe('the account service over HTTP', () => {
  const stub = new AccountServiceStub();
  beforeAll(() => stub.start());
  afterAll(() => stub.stop());
  beforeEach(() => {
    stub.requests.length = 0;
    stub.respond = (res) => res.writeHead(200, { 'content-type': 'application/json' }).end('{"result":"MISMATCHED"}');
  });

  it('POSTs { attemptId, fundAccountNo, password } to /internal/v1/fund-password-verifications with a fresh bearer token and reads the result', async () => {
    let issued = 0;
    const checker = new HttpFundPasswordChecker(stub.url, () => `token-${(issued += 1)}`);
    await expect(checker.check(ATTEMPT, ClearPin.of('246810'))).resolves.toBe('MISMATCHED');
    await checker.check(ATTEMPT, ClearPin.of('246810'));
    expect(stub.requests).toEqual([
      { path: '/internal/v1/fund-password-verifications', authorization: 'Bearer token-1', body: { attemptId: '1021000:B2026112100000008', fundAccountNo: FUND_ACCOUNT, password: '246810' } },
      { path: '/internal/v1/fund-password-verifications', authorization: 'Bearer token-2', body: { attemptId: '1021000:B2026112100000008', fundAccountNo: FUND_ACCOUNT, password: '246810' } },
    ]);
  });

  it.each([
    ['an HTTP error', (res: ServerResponse) => res.writeHead(503).end(), 'account service answered HTTP 503'],
    ['a refused token', (res: ServerResponse) => res.writeHead(401).end(), 'account service answered HTTP 401'],
    ['an unknown result', (res: ServerResponse) => res.writeHead(200, { 'content-type': 'application/json' }).end('{"result":"MAYBE"}'), 'without a known result'],
    ['a body that is not JSON', (res: ServerResponse) => res.writeHead(200).end('<html>'), 'not reachable'],
    ['no answer within the timeout', () => undefined, 'no answer within 200 ms'],
  ])('%s is no verdict: FundPasswordServiceUnavailable, whose message never quotes the password', async (_case, respond, why) => {
    stub.respond = respond;
    const checker = new HttpFundPasswordChecker(stub.url, () => 'token', 200);
    const error = await checker.check(ATTEMPT, ClearPin.of('246810')).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(FundPasswordServiceUnavailable);
    expect((error as Error).message).toContain(why);
    expect((error as Error).message).not.toContain('246810');
  });

  it('an account service that is not listening is no verdict either', async () => {
    const checker = new HttpFundPasswordChecker('http://127.0.0.1:1', () => 'token', 500);
    await expect(checker.check(ATTEMPT, ClearPin.of('246810'))).rejects.toThrow(FundPasswordServiceUnavailable);
  });
});
