import { KeyMaterialError, PinBlockError, type PinVerifierPublicKey } from '@custody/bank-protocol';
import type { FundPasswordVerdict } from '@custody/contracts';
import { type FundPasswordVerificationClient, FundPasswordServiceUnavailable } from '@custody/service-kit';
import type { FundPasswordCheck, FundPasswordInput } from './inbound-request.mapper';

/** What the account service answers (`POST /internal/v1/fund-password-verifications`). */
export type AccountServiceVerdict = FundPasswordVerdict;

/** No verdict could be had: the account service is down, too slow, refused us, or answered nonsense. */
export { FundPasswordServiceUnavailable };

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

/** The bank's `Pwd` as it arrived: a format-0 block under the session's PIN key (16 hex). */
export interface SessionPinBlock {
  readonly block: string;
  readonly pinKey: Buffer;
}

/** The account service's check of a fund password; it also counts wrong attempts (LOCKED). */
export interface FundPasswordChecker {
  /**
   * Throws `FundPasswordServiceUnavailable` when there is no verdict, and `PinBlockError` /
   * `KeyMaterialError` when the block cannot even be translated.
   */
  check(attempt: FundPasswordAttempt, pin: SessionPinBlock): Promise<AccountServiceVerdict>;
}

/**
 * The account service over HTTP. The block is translated first (PIN translation, libs/bank-protocol
 * pin-translation.ts): from the session's PIN key to the account service's public key, bound to this
 * attempt, without the digits being taken out. The adapter holds only the public key, so nothing it sends
 * can be opened here again, and no clear PIN crosses a process boundary.
 */
export class HttpFundPasswordChecker implements FundPasswordChecker {
  constructor(
    private readonly accountPinKey: PinVerifierPublicKey,
    private readonly accountService: FundPasswordVerificationClient,
  ) {}

  async check(attempt: FundPasswordAttempt, { block, pinKey }: SessionPinBlock): Promise<AccountServiceVerdict> {
    const translated = this.accountPinKey.translate(pinKey, block, attempt);
    return this.accountService.verify({ attemptId: attempt.attemptId, fundAccountNo: attempt.fundAccountNo, pinBlock: translated.block, pinKeyId: translated.keyId });
  }
}

/**
 * F-4.2 B: the fund password of a bank-initiated withdrawal, checked the moment it arrives: the PIN block,
 * translated to the account service's key, goes straight to the account service, and only the verdict
 * leaves. A value that is no block, or a session without working keys, is UNREADABLE here; a block that
 * decrypts to no PIN for the fund account (another account, another key) is UNREADABLE by the account
 * service, the only process that can tell. A fund account the account service does not know is forwarded
 * as NOT_SET, and its owner refuses it as unknown (2011). Throws `FundPasswordServiceUnavailable`.
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
  let verdict: AccountServiceVerdict;
  try {
    verdict = await checker.check(attempt, { block: input.block, pinKey });
  } catch (error) {
    if (error instanceof PinBlockError || error instanceof KeyMaterialError) return 'UNREADABLE';
    throw error;
  }
  return verdict === 'UNKNOWN_FUND_ACCOUNT' ? 'NOT_SET' : verdict;
}
