import { createHash, hkdfSync } from 'node:crypto';
import type { FundPasswordVerdict } from '@custody/contracts';
import { DomainError, requestDigest } from '@custody/service-kit';

/**
 * A `fundPassword` given with `POST /v1/transfers` is one attempt per `requestId`: the account service judges an
 * attempt once, so a repeat of the request (a client retrying after a timeout) gets the first verdict and one
 * wrong password counts once towards the lockout (domain.md I6). The id is a hash of the requestId (any
 * characters, up to 64) so it fits the attempt id's alphabet; the prefix keeps it apart from the banks' serials.
 */
export function transferPasswordAttemptId(requestId: string): string {
  return `transfer:${createHash('sha256').update(requestId).digest('base64url')}`;
}

const ATTEMPT_DIGEST_LABEL = 'custody/transfer/fund-password-attempt/v1';

/** Its own key, derived from the sealing key, so the digest is never the idempotency store's digest of the same body. */
export function deriveAttemptDigestKey(sealingKey: Buffer): Buffer {
  return Buffer.from(hkdfSync('sha256', sealingKey, Buffer.alloc(0), ATTEMPT_DIGEST_LABEL, 32));
}

/**
 * What the attempt is: this password for this request. A repeat of the requestId with another password is then
 * IDEMPOTENCY_KEY_REUSED (api.md: same requestId, other body), never the first verdict passed off as the answer
 * to a password it did not judge. Keyed, like the idempotency digest, because a 6-digit PIN falls to trying all.
 */
export function transferPasswordAttemptDigest(digestKey: Buffer, requestId: string, fundPassword: string): string {
  return requestDigest(digestKey, { requestId, fundPassword });
}

/** Nothing is created unless the account service answered MATCHED; every other verdict names why. */
export function refusalFor(verdict: FundPasswordVerdict, fundAccountNo: string): DomainError | undefined {
  switch (verdict) {
    case 'MATCHED':
      return undefined;
    case 'MISMATCHED':
      return new DomainError('FUND_PASSWORD_INVALID', `the fund password does not match the one on record for fund account ${fundAccountNo}`, { field: 'fundPassword' });
    case 'LOCKED':
      return new DomainError('FUND_PASSWORD_LOCKED', `the fund password of fund account ${fundAccountNo} is locked after too many wrong attempts; it must be set again`, { field: 'fundPassword' });
    case 'NOT_SET':
      return new DomainError('FUND_PASSWORD_NOT_SET', `the customer of fund account ${fundAccountNo} has no fund password set`, { field: 'fundPassword' });
    case 'UNKNOWN_FUND_ACCOUNT':
      return new DomainError('NOT_FOUND', `fund account ${fundAccountNo} does not exist`);
    case 'UNREADABLE':
      // We made the block ourselves: the account service not reading it is a key or software fault, not the customer's.
      return new DomainError('FUND_PASSWORD_UNVERIFIABLE', 'the account service could not read the fund password block this service sent');
    default: {
      // A verdict added to the contract must be decided here, never fall through to "allowed".
      const unhandled: never = verdict;
      throw new Error(`unhandled fund password verdict ${String(unhandled)}`);
    }
  }
}
