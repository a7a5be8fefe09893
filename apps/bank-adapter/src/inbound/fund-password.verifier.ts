import { type ClearPin, extractPin, KeyMaterialError, PinBlockError } from '@custody/bank-protocol';
import { z } from 'zod';
import type { FundPasswordCheck, FundPasswordInput } from './inbound-request.mapper';

/** What the account service answers (`POST /internal/v1/fund-password-verifications`). */
const verdictSchema = z.object({ result: z.enum(['MATCHED', 'MISMATCHED', 'LOCKED', 'NOT_SET', 'UNKNOWN_FUND_ACCOUNT']) });
export type AccountServiceVerdict = z.infer<typeof verdictSchema>['result'];

/** No verdict could be had: the account service is down, too slow, refused us, or answered nonsense. */
export class FundPasswordServiceUnavailable extends Error {}

/**
 * The request a password came with: `attemptId` is `{bankCode}:{bank serial}`, so the bank resending its
 * request (Resend=Y, or after a lost reply) is judged once and one wrong password counts once (I6).
 */
export interface FundPasswordAttempt {
  readonly attemptId: string;
  readonly fundAccountNo: string;
}

export function fundPasswordAttempt(bankCode: string, bankSerialNo: string, fundAccountNo: string): FundPasswordAttempt {
  return { attemptId: `${bankCode}:${bankSerialNo}`, fundAccountNo };
}

/** The account service's check of a clear fund password; it also counts wrong attempts (LOCKED). */
export interface FundPasswordChecker {
  /** Throws `FundPasswordServiceUnavailable` when there is no verdict. */
  check(attempt: FundPasswordAttempt, pin: ClearPin): Promise<AccountServiceVerdict>;
}

export const FUND_PASSWORD_CHECK_TIMEOUT_MS = 2_000;

/**
 * The account service over HTTP. The clear password exists only in this request's body; errors name the
 * failure, never the body. The timeout keeps the whole check well inside the bank's reply deadline.
 */
export class HttpFundPasswordChecker implements FundPasswordChecker {
  private readonly url: string;

  constructor(
    accountServiceUrl: string,
    /** Called per check, so a long-running adapter never holds an expired token. */
    private readonly bearerToken: () => string,
    private readonly timeoutMs = FUND_PASSWORD_CHECK_TIMEOUT_MS,
  ) {
    this.url = `${accountServiceUrl.replace(/\/+$/, '')}/internal/v1/fund-password-verifications`;
  }

  async check({ attemptId, fundAccountNo }: FundPasswordAttempt, pin: ClearPin): Promise<AccountServiceVerdict> {
    let response: Response;
    let body: unknown;
    try {
      // The signal covers reading the body too: a server that stalls mid-answer is as unavailable as one that never answers.
      response = await fetch(this.url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${this.bearerToken()}` },
        body: JSON.stringify({ attemptId, fundAccountNo, password: pin.reveal() }),
        signal: AbortSignal.timeout(this.timeoutMs),
      });
      body = response.status === 200 ? await response.json() : undefined;
    } catch (error) {
      // By name, not class: the abort reason is a DOMException, which need not share this realm's Error.
      const timedOut = typeof error === 'object' && error !== null && 'name' in error && error.name === 'TimeoutError';
      const why = timedOut ? `no answer within ${this.timeoutMs} ms` : 'not reachable';
      throw new FundPasswordServiceUnavailable(`account service ${why}`);
    }
    if (response.status !== 200) throw new FundPasswordServiceUnavailable(`account service answered HTTP ${response.status}`);
    const parsed = verdictSchema.safeParse(body);
    if (!parsed.success) throw new FundPasswordServiceUnavailable('account service answered without a known result');
    return parsed.data.result;
  }
}

/**
 * F-4.2 B: the fund password of a bank-initiated withdrawal, checked the moment it arrives. The PIN block
 * is decrypted with the session's PIN key (its account field is the fund account, profile §2) and the
 * clear PIN goes straight to the account service; only the verdict leaves. A block that does not decrypt
 * to a format-0 PIN is UNREADABLE; a fund account the account service does not know is forwarded as
 * NOT_SET, and its owner refuses it as unknown (2011). Throws `FundPasswordServiceUnavailable`.
 */
export async function verifyFundPassword(
  input: FundPasswordInput,
  attempt: FundPasswordAttempt,
  pinKey: Buffer | undefined,
  checker: FundPasswordChecker,
): Promise<FundPasswordCheck> {
  if (input.kind !== 'BLOCK') return input.kind;
  // Without a key sync there is no PIN key, so no block can have been made for this session.
  if (pinKey === undefined) return 'UNREADABLE';
  let pin: ClearPin;
  try {
    pin = extractPin(pinKey, input.block, attempt.fundAccountNo);
  } catch (error) {
    if (error instanceof PinBlockError || error instanceof KeyMaterialError) return 'UNREADABLE';
    throw error;
  }
  const verdict = await checker.check(attempt, pin);
  return verdict === 'UNKNOWN_FUND_ACCOUNT' ? 'NOT_SET' : verdict;
}
