import {
  FUND_PASSWORD_VERIFICATIONS_PATH,
  type FundPasswordVerdict,
  type FundPasswordVerificationRequest,
  fundPasswordVerificationResponseSchema,
} from '@custody/contracts';

/**
 * Where a caller's service token comes from, asked once per request so a long-running caller never sends an
 * expired one (and the wiring can swap how tokens are obtained).
 */
export type ServiceTokenProvider = () => string | Promise<string>;

/** No verdict could be had: the account service is down, too slow, refused us, or answered nonsense. */
export class FundPasswordServiceUnavailable extends Error {}

/**
 * The account service refused the attempt because its id was already used with other content (409
 * `IDEMPOTENCY_KEY_REUSED`). Still no verdict; a caller that sent an `attemptDigest` can name it precisely.
 */
export class FundPasswordAttemptConflict extends FundPasswordServiceUnavailable {}

export const FUND_PASSWORD_CHECK_TIMEOUT_MS = 2_000;

/**
 * `POST /internal/v1/fund-password-verifications` over HTTP. The request holds a PIN block under the
 * account service's key, never a password; errors name the failure, never the body. The timeout covers
 * reading the answer too: a server that stalls mid-answer is as unavailable as one that never answers.
 */
export class FundPasswordVerificationClient {
  private readonly url: string;

  constructor(
    accountServiceUrl: string,
    private readonly token: ServiceTokenProvider,
    private readonly timeoutMs = FUND_PASSWORD_CHECK_TIMEOUT_MS,
  ) {
    this.url = `${accountServiceUrl.replace(/\/+$/, '')}${FUND_PASSWORD_VERIFICATIONS_PATH}`;
  }

  /** Throws `FundPasswordServiceUnavailable` (or its `FundPasswordAttemptConflict`) when there is no verdict. */
  async verify(request: FundPasswordVerificationRequest): Promise<FundPasswordVerdict> {
    let bearer: string;
    try {
      bearer = await this.token();
    } catch {
      throw new FundPasswordServiceUnavailable('no service token to call the account service with');
    }
    let response: Response;
    let body: unknown;
    try {
      response = await fetch(this.url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${bearer}` },
        body: JSON.stringify(request),
        signal: AbortSignal.timeout(this.timeoutMs),
      });
      body = response.status === 200 || response.status === 409 ? await response.json() : undefined;
    } catch (error) {
      // By name, not class: the abort reason is a DOMException, which need not share this realm's Error.
      const timedOut = typeof error === 'object' && error !== null && 'name' in error && error.name === 'TimeoutError';
      throw new FundPasswordServiceUnavailable(`account service ${timedOut ? `no answer within ${this.timeoutMs} ms` : 'not reachable'}`);
    }
    if (response.status === 409 && isProblem(body, 'IDEMPOTENCY_KEY_REUSED')) {
      throw new FundPasswordAttemptConflict(`account service: attempt ${request.attemptId} was already made with other content`);
    }
    if (response.status !== 200) throw new FundPasswordServiceUnavailable(`account service answered HTTP ${response.status}`);
    const parsed = fundPasswordVerificationResponseSchema.safeParse(body);
    if (!parsed.success) throw new FundPasswordServiceUnavailable('account service answered without a known result');
    return parsed.data.result;
  }
}

function isProblem(body: unknown, code: string): boolean {
  return typeof body === 'object' && body !== null && 'code' in body && body.code === code;
}
