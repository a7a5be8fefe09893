import { Injectable, Logger } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import { type ClearPin, PinBlockError, PinVerifierPrivateKey, type VerifierPinBlock } from '@custody/bank-protocol';
import { lockForTransaction } from '@custody/persistence';
import { DomainError } from '@custody/service-kit';
import { FundAccount } from '../fund-accounts/fund-account.entity';
import { Customer } from './customer.entity';
import { FundPasswordVerificationRecord, type RecordedVerdict } from './fund-password-verification.entity';
import { FUND_PASSWORD_MAX_FAILURES, FUND_PASSWORD_PATTERN, fundPasswordMatches, hashFundPassword } from './fund-password';

/** What a verification proved (the bank adapter turns it into the reply code of a 12002 B, the transfer service into a problem). */
export type FundPasswordVerification = RecordedVerdict | 'UNKNOWN_FUND_ACCOUNT';

/**
 * One password given for one fund account, as a PIN block under this service's key. `attemptId` names the
 * request it came with (the bank's serial, an API request); `attemptDigest`, when the caller gives one, is
 * what a repeat of the attempt must match.
 */
export interface FundPasswordAttempt {
  attemptId: string;
  fundAccountNo: string;
  pinBlock: VerifierPinBlock;
  attemptDigest?: string;
}

/**
 * The customer's fund password (资金密码), which authorises a bank-initiated withdrawal (F-4.2 B). Only its
 * hash is stored; the password itself is never logged, returned or kept.
 */
@Injectable()
export class FundPasswordService {
  private readonly logger = new Logger(FundPasswordService.name);

  constructor(
    private readonly dataSource: DataSource,
    /** Only this service holds it: the digits exist nowhere else (docs/design.md "Secrets"). */
    private readonly pinKey: PinVerifierPrivateKey,
  ) {}

  /** Sets or replaces the password; setting it also lifts a lockout (the customer proved who they are at a branch). */
  async set(customerNo: string, password: string): Promise<void> {
    if (!FUND_PASSWORD_PATTERN.test(password)) throw new DomainError('VALIDATION_FAILED', 'password must be exactly 6 digits', { field: 'password' });
    // Hashed before the transaction: ~100 ms of CPU need not hold the customer's row lock.
    const hash = await hashFundPassword(password);
    const updated = await this.dataSource.getRepository(Customer).update({ customerNo }, { fundPasswordHash: hash, fundPasswordFailures: 0 });
    if (updated.affected !== 1) throw new DomainError('NOT_FOUND', `customer ${customerNo} does not exist`);
    this.logger.log({ customerNo }, 'fund password set');
  }

  /**
   * Checks a password given for a fund account against its customer's hash. The PIN is recovered from the
   * block with the fund account's account field (ISO 9564 format 0) and lives only for this check. The
   * customer's row is locked for the check, so concurrent wrong guesses are all counted and a lockout cannot
   * be raced past. The fifth wrong password in a row already answers LOCKED, so the customer learns it at once.
   * An attempt is judged once: its repeat (the bank resending the same request) gets the first verdict,
   * so one wrong password never counts twice (domain.md I6). A block that holds no PIN for this account is
   * UNREADABLE and counts nothing: it is no guess at the password.
   */
  async verify(attempt: FundPasswordAttempt): Promise<FundPasswordVerification> {
    const { attemptId, fundAccountNo, pinBlock } = attempt;
    // Another key pair is a caller's configuration, not the customer's mistake: no verdict, nothing recorded.
    if (pinBlock.keyId !== this.pinKey.keyId) {
      throw new DomainError('VALIDATION_FAILED', `pinBlock is under key ${pinBlock.keyId}; this service holds ${this.pinKey.keyId}`, { field: 'pinKeyId' });
    }
    return this.dataSource.transaction(async (manager) => {
      // Serialises repeats of one attempt whatever account they name; always taken before a customer's row.
      await lockForTransaction(manager, `account.fund-password-attempt|${attemptId}`);
      const earlier = await manager.findOneBy(FundPasswordVerificationRecord, { attemptId });
      if (earlier) {
        if (earlier.fundAccountNo !== fundAccountNo) {
          throw new DomainError('IDEMPOTENCY_KEY_REUSED', `attempt ${attemptId} was made for another fund account`, { field: 'attemptId' });
        }
        if ((earlier.attemptDigest ?? null) !== (attempt.attemptDigest ?? null)) {
          throw new DomainError('IDEMPOTENCY_KEY_REUSED', `attempt ${attemptId} was made with other content`, { field: 'attemptId' });
        }
        return earlier.result;
      }
      const account = await manager.findOneBy(FundAccount, { fundAccountNo });
      if (!account) return 'UNKNOWN_FUND_ACCOUNT';
      const pin = this.recover(attempt);
      const result = pin
        ? await this.judge(manager, await manager.findOne(Customer, { where: { customerNo: account.customerNo }, lock: { mode: 'pessimistic_write' } }), fundAccountNo, pin)
        : 'UNREADABLE';
      await manager.insert(FundPasswordVerificationRecord, { attemptId, fundAccountNo, result, attemptDigest: attempt.attemptDigest ?? null });
      return result;
    });
  }

  private recover({ attemptId, fundAccountNo, pinBlock }: FundPasswordAttempt): ClearPin | undefined {
    try {
      return this.pinKey.recover(pinBlock, { attemptId, fundAccountNo });
    } catch (error) {
      if (error instanceof PinBlockError) return undefined;
      throw error;
    }
  }

  private async judge(manager: EntityManager, customer: Customer | null, fundAccountNo: string, pin: ClearPin): Promise<RecordedVerdict> {
    if (!customer?.fundPasswordHash) return 'NOT_SET';
    if (customer.fundPasswordFailures >= FUND_PASSWORD_MAX_FAILURES) return 'LOCKED';
    if (FUND_PASSWORD_PATTERN.test(pin.reveal()) && (await fundPasswordMatches(pin.reveal(), customer.fundPasswordHash))) {
      if (customer.fundPasswordFailures > 0) await manager.update(Customer, { customerNo: customer.customerNo }, { fundPasswordFailures: 0 });
      return 'MATCHED';
    }
    const failures = customer.fundPasswordFailures + 1;
    await manager.update(Customer, { customerNo: customer.customerNo }, { fundPasswordFailures: failures });
    if (failures < FUND_PASSWORD_MAX_FAILURES) return 'MISMATCHED';
    this.logger.warn({ customerNo: customer.customerNo, fundAccountNo }, `fund password locked after ${failures} wrong passwords in a row`);
    return 'LOCKED';
  }
}
