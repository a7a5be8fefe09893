import { Inject, Injectable, Logger } from '@nestjs/common';
import { ClearPin, PinBlockError, PinVerifierPublicKey, type VerifierPinBlock } from '@custody/bank-protocol';
import type { FundPasswordVerdict } from '@custody/contracts';
import { DomainError, FundPasswordAttemptConflict, type FundPasswordVerificationClient, FundPasswordServiceUnavailable } from '@custody/service-kit';
import type { RequestTransferBody } from '../transfers/transfer.dto';
import { refusalFor, transferPasswordAttemptDigest, transferPasswordAttemptId } from './fund-password-attempt';

/** The account service's fund-password check; absent when no account service is configured (CUSTODY_ACCOUNT_URL). */
export type AccountFundPasswords = Pick<FundPasswordVerificationClient, 'verify'>;
export const ACCOUNT_FUND_PASSWORDS = Symbol('ACCOUNT_FUND_PASSWORDS');
/** The key of `transferPasswordAttemptDigest` (see `deriveAttemptDigestKey`). */
export const FUND_PASSWORD_ATTEMPT_DIGEST_KEY = Symbol('FUND_PASSWORD_ATTEMPT_DIGEST_KEY');

/**
 * `fundPassword` on `POST /v1/transfers`: when present, the account service verifies it before anything is
 * created. The password is turned into a PIN block under the account service's public key here, at the edge
 * it arrived on, and crosses to the account service only so (docs/design.md "Secrets"); a wrong one is
 * counted there towards the lockout, once per request.
 */
@Injectable()
export class FundPasswordGate {
  private readonly logger = new Logger(FundPasswordGate.name);

  constructor(
    @Inject(ACCOUNT_FUND_PASSWORDS) private readonly accountService: AccountFundPasswords | null,
    private readonly accountPinKey: PinVerifierPublicKey,
    @Inject(FUND_PASSWORD_ATTEMPT_DIGEST_KEY) private readonly digestKey: Buffer,
  ) {}

  /** Returns when no password was given or it matched; otherwise throws the DomainError that names why. */
  async authorise({ requestId, fundAccountNo, fundPassword }: Pick<RequestTransferBody, 'requestId' | 'fundAccountNo' | 'fundPassword'>): Promise<void> {
    if (fundPassword === undefined) return;
    const attempt = { attemptId: transferPasswordAttemptId(requestId), fundAccountNo };
    let pinBlock: VerifierPinBlock;
    try {
      pinBlock = this.accountPinKey.encrypt(ClearPin.of(fundPassword), attempt);
    } catch (error) {
      if (!(error instanceof PinBlockError)) throw error;
      throw new DomainError('VALIDATION_FAILED', 'a fund password needs an all-digit fundAccountNo (its PIN block takes the account field from it)', { field: 'fundAccountNo' });
    }
    if (!this.accountService) throw new DomainError('FUND_PASSWORD_UNVERIFIABLE', 'no account service is configured to verify fund passwords; nothing was done');
    let verdict: FundPasswordVerdict;
    try {
      verdict = await this.accountService.verify({
        ...attempt,
        pinBlock: pinBlock.block,
        pinKeyId: pinBlock.keyId,
        attemptDigest: transferPasswordAttemptDigest(this.digestKey, requestId, fundPassword),
      });
    } catch (error) {
      if (error instanceof FundPasswordAttemptConflict) {
        throw new DomainError('IDEMPOTENCY_KEY_REUSED', `requestId ${requestId} was already used with another fund password`, { field: 'requestId' });
      }
      if (!(error instanceof FundPasswordServiceUnavailable)) throw error;
      this.logger.warn({ requestId, fundAccountNo, why: error.message }, 'fund password could not be verified; the transfer was refused and nothing was created');
      throw new DomainError('FUND_PASSWORD_UNVERIFIABLE', 'the fund password cannot be verified now (account service unavailable); nothing was done, retry later');
    }
    const refusal = refusalFor(verdict, fundAccountNo);
    if (!refusal) return;
    if (verdict === 'UNREADABLE') this.logger.error({ requestId, fundAccountNo, keyId: pinBlock.keyId }, 'the account service could not read a fund password block this service made: check FUND_PIN_PUBLIC_KEY');
    throw refusal;
  }
}
