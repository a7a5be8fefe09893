import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { ClearPin, encryptPinBlock, formatZeroPinBlock, PinBlockError, PinVerifierPrivateKey } from '@custody/bank-protocol';
import { FundPasswordVerificationClient, readFundPinPrivateKey } from '@custody/service-kit';
import { PIN_KEY } from '../testing/bank-session.fake';
import {
  type AccountServiceVerdict,
  type FundPasswordAttempt,
  fundPasswordAttempt,
  type FundPasswordChecker,
  FundPasswordServiceUnavailable,
  HttpFundPasswordChecker,
  type SessionPinBlock,
  verifyFundPassword,
} from './fund-password.verifier';

const FUND_ACCOUNT = '880001';
const ATTEMPT = fundPasswordAttempt('1021000', 'B2026112100000008', FUND_ACCOUNT);

/** Answers as the account service's verification endpoint would; `respond` decides per request. */
class AccountServiceStub {
  readonly requests: Array<{ path: string; authorization: string | undefined; body: unknown; raw: string }> = [];
  respond: (res: ServerResponse) => void = (res) => res.writeHead(200, { 'content-type': 'application/json' }).end('{"result":"MATCHED"}');
  private server: Server | undefined;
  url = '';

  async start(): Promise<void> {
    const server = createServer((req: IncomingMessage, res) => {
      let raw = '';
      req.on('data', (chunk: Buffer) => (raw += chunk.toString()));
      req.on('end', () => {
        this.requests.push({ path: req.url ?? '', authorization: req.headers.authorization, body: JSON.parse(raw) as unknown, raw });
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
  readonly seen: Array<{ attemptId: string; fundAccountNo: string; pin: SessionPinBlock }> = [];
  constructor(private readonly verdict: AccountServiceVerdict | Error) {}
  async check({ attemptId, fundAccountNo }: FundPasswordAttempt, pin: SessionPinBlock): Promise<AccountServiceVerdict> {
    this.seen.push({ attemptId, fundAccountNo, pin });
    if (this.verdict instanceof Error) throw this.verdict;
    return this.verdict;
  }
}

const block = (pin: string, account = FUND_ACCOUNT): string => encryptPinBlock(PIN_KEY, ClearPin.of(pin), account);
/** The account service's half, which only it holds in production: here the test plays the account service. */
const ACCOUNT_PRIVATE_KEY = new PinVerifierPrivateKey(readFundPinPrivateKey({}));
const ACCOUNT_PUBLIC_KEY = ACCOUNT_PRIVATE_KEY.publicKey;

describe('F-4.2 B: the fund password, verified at once by the account service', () => {
  it('the PIN block as the bank sent it and the session PIN key reach the checker, with the attempt', async () => {
    const checker = new StaticChecker('MATCHED');
    const pwd = block('135790');
    await expect(verifyFundPassword({ kind: 'BLOCK', block: pwd }, ATTEMPT, PIN_KEY, checker)).resolves.toBe('MATCHED');
    expect(checker.seen).toEqual([{ attemptId: ATTEMPT.attemptId, fundAccountNo: FUND_ACCOUNT, pin: { block: pwd, pinKey: PIN_KEY } }]);
  });

  it.each(['MATCHED', 'MISMATCHED', 'LOCKED', 'NOT_SET', 'UNREADABLE'] as const)('the account service verdict %s is the verdict', async (verdict) => {
    await expect(verifyFundPassword({ kind: 'BLOCK', block: block('1234') }, ATTEMPT, PIN_KEY, new StaticChecker(verdict))).resolves.toBe(verdict);
  });

  it('a fund account the account service does not know is forwarded as NOT_SET (its owner answers 2011)', async () => {
    await expect(verifyFundPassword({ kind: 'BLOCK', block: block('1234') }, ATTEMPT, PIN_KEY, new StaticChecker('UNKNOWN_FUND_ACCOUNT'))).resolves.toBe('NOT_SET');
  });

  it('on a session without working keys the block is UNREADABLE and the account service is not asked (no wrong attempt counted)', async () => {
    const checker = new StaticChecker('MATCHED');
    await expect(verifyFundPassword({ kind: 'BLOCK', block: block('1234') }, ATTEMPT, undefined, checker)).resolves.toBe('UNREADABLE');
    expect(checker.seen).toEqual([]);
  });

  it('MISSING and UNREADABLE inputs are verdicts of their own', async () => {
    const checker = new StaticChecker('MATCHED');
    await expect(verifyFundPassword({ kind: 'MISSING' }, ATTEMPT, PIN_KEY, checker)).resolves.toBe('MISSING');
    await expect(verifyFundPassword({ kind: 'UNREADABLE', why: 'Enc 01' }, ATTEMPT, PIN_KEY, checker)).resolves.toBe('UNREADABLE');
    expect(checker.seen).toEqual([]);
  });
});

describe('item 4: the account service over HTTP, asked with the PIN block translated to its key', () => {
  const stub = new AccountServiceStub();
  beforeAll(() => stub.start());
  afterAll(() => stub.stop());
  beforeEach(() => {
    stub.requests.length = 0;
    stub.respond = (res) => res.writeHead(200, { 'content-type': 'application/json' }).end('{"result":"MISMATCHED"}');
  });
  const checkerFor = (token: () => string = () => 'token', timeoutMs?: number, url = stub.url) =>
    new HttpFundPasswordChecker(ACCOUNT_PUBLIC_KEY, new FundPasswordVerificationClient(url, token, timeoutMs));
  const sessionBlock = (pin: string, account = FUND_ACCOUNT) => ({ block: block(pin, account), pinKey: PIN_KEY });

  it('POSTs { attemptId, fundAccountNo, pinBlock, pinKeyId } with a fresh bearer token: no digit of the PIN, nor the bank\'s block, is in the body, and only the account service\'s private key recovers the PIN', async () => {
    let issued = 0;
    const checker = checkerFor(() => `token-${(issued += 1)}`);
    const pwd = sessionBlock('246810');
    await expect(checker.check(ATTEMPT, pwd)).resolves.toBe('MISMATCHED');
    await checker.check(ATTEMPT, pwd);
    expect(stub.requests.map(({ path, authorization }) => ({ path, authorization }))).toEqual([
      { path: '/internal/v1/fund-password-verifications', authorization: 'Bearer token-1' },
      { path: '/internal/v1/fund-password-verifications', authorization: 'Bearer token-2' },
    ]);
    const sent = stub.requests[0].body as Record<string, string>;
    expect(Object.keys(sent).sort()).toEqual(['attemptId', 'fundAccountNo', 'pinBlock', 'pinKeyId']);
    expect(sent).toMatchObject({ attemptId: ATTEMPT.attemptId, fundAccountNo: FUND_ACCOUNT, pinKeyId: ACCOUNT_PUBLIC_KEY.keyId });
    const raw = stub.requests[0].raw;
    expect(raw).not.toContain('246810');
    expect(raw).not.toContain(pwd.block);
    // The clear format-0 block (PIN XOR account field) is not in it either, in any encoding.
    const clearBlock = formatZeroPinBlock(ClearPin.of('246810'), FUND_ACCOUNT);
    expect(raw.toUpperCase()).not.toContain(clearBlock.toString('hex').toUpperCase());
    expect(raw).not.toContain(clearBlock.toString('base64'));
    // Each translation is fresh (OAEP): a repeat is not a replayable constant.
    expect((stub.requests[1].body as Record<string, string>).pinBlock).not.toBe(sent.pinBlock);
    const recovered = ACCOUNT_PRIVATE_KEY.recover({ keyId: sent.pinKeyId, block: sent.pinBlock }, ATTEMPT);
    expect(recovered.reveal()).toBe('246810');
  });

  it('the translated block opens for its own attempt and fund account only', async () => {
    await checkerFor().check(ATTEMPT, sessionBlock('246810'));
    const sent = stub.requests[0].body as Record<string, string>;
    const translated = { keyId: sent.pinKeyId, block: sent.pinBlock };
    expect(() => ACCOUNT_PRIVATE_KEY.recover(translated, { ...ATTEMPT, attemptId: '1021000:B2026112100000009' })).toThrow(PinBlockError);
    expect(() => ACCOUNT_PRIVATE_KEY.recover(translated, { ...ATTEMPT, fundAccountNo: '880002' })).toThrow(PinBlockError);
  });

  it.each([
    ['made for another account', sessionBlock('1234', '770001')],
    ['under another PIN key', { block: encryptPinBlock(Buffer.alloc(16, 3), ClearPin.of('1234'), FUND_ACCOUNT), pinKey: PIN_KEY }],
  ])('a block %s is translated all the same (the adapter cannot tell), and the account service finds no PIN in it', async (_case, pwd) => {
    stub.respond = (res) => res.writeHead(200, { 'content-type': 'application/json' }).end('{"result":"UNREADABLE"}');
    await expect(verifyFundPassword({ kind: 'BLOCK', block: pwd.block }, ATTEMPT, pwd.pinKey, checkerFor())).resolves.toBe('UNREADABLE');
    const sent = stub.requests[0].body as Record<string, string>;
    expect(() => ACCOUNT_PRIVATE_KEY.recover({ keyId: sent.pinKeyId, block: sent.pinBlock }, ATTEMPT)).toThrow(PinBlockError);
  });

  it('a value that is not 16 hex characters is UNREADABLE here and the account service is not asked', async () => {
    await expect(verifyFundPassword({ kind: 'BLOCK', block: 'XYZ' }, ATTEMPT, PIN_KEY, checkerFor())).resolves.toBe('UNREADABLE');
    expect(stub.requests).toEqual([]);
  });

  it.each([
    ['an HTTP error', (res: ServerResponse) => res.writeHead(503).end(), 'account service answered HTTP 503'],
    ['a refused token', (res: ServerResponse) => res.writeHead(401).end(), 'account service answered HTTP 401'],
    ['an unknown result', (res: ServerResponse) => res.writeHead(200, { 'content-type': 'application/json' }).end('{"result":"MAYBE"}'), 'without a known result'],
    ['a body that is not JSON', (res: ServerResponse) => res.writeHead(200).end('<html>'), 'not reachable'],
    ['no answer within the timeout', () => undefined, 'no answer within 200 ms'],
  ])('%s is no verdict: FundPasswordServiceUnavailable, whose message never quotes the password', async (_case, respond, why) => {
    stub.respond = respond;
    const error = await checkerFor(() => 'token', 200).check(ATTEMPT, sessionBlock('246810')).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(FundPasswordServiceUnavailable);
    expect((error as Error).message).toContain(why);
    expect((error as Error).message).not.toContain('246810');
  });

  it('an account service that is not listening is no verdict either', async () => {
    await expect(checkerFor(() => 'token', 500, 'http://127.0.0.1:1').check(ATTEMPT, sessionBlock('246810'))).rejects.toThrow(FundPasswordServiceUnavailable);
  });
});
