import { Injectable, Logger } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import { lockForTransaction } from '@custody/persistence';
import { DomainError } from '@custody/service-kit';
import { FundAccount } from '../fund-accounts/fund-account.entity';
import { Customer } from './customer.entity';
import { FundPasswordVerificationRecord, type RecordedVerdict } from './fund-password-verification.entity';
import { FUND_PASSWORD_MAX_FAILURES, FUND_PASSWORD_PATTERN, fundPasswordMatches, hashFundPassword } from './fund-password';

/** What a verification proved (the bank adapter turns it into the reply code of a 12002 B). */
export type FundPasswordVerification = RecordedVerdict | 'UNKNOWN_FUND_ACCOUNT';

/** One password given for one fund account; `attemptId` names the request it came with (the bank's serial). */
export interface FundPasswordAttempt {
  attemptId: string;
  fundAccountNo: string;
  password: string;
}

/**
 * The customer's fund password (资金密码), which authorises a bank-initiated withdrawal (F-4.2 B). Only its
 * hash is stored; the password itself is never logged, returned or kept.
 */
@Injectable()
export class FundPasswordService {
  private readonly logger = new Logger(FundPasswordService.name);

  constructor(private readonly dataSource: DataSource) {}

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
   * Checks a password given for a fund account against its customer's hash. The customer's row is locked
   * for the check, so concurrent wrong guesses are all counted and a lockout cannot be raced past.
   * The fifth wrong password in a row already answers LOCKED, so the customer learns it at once.
   * An attempt is judged once: its repeat (the bank resending the same request) gets the first verdict,
   * so one wrong password never counts twice (domain.md I6).
   */
  async verify(attempt: FundPasswordAttempt): Promise<FundPasswordVerification> {
    const { attemptId, fundAccountNo } = attempt;
    return this.dataSource.transaction(async (manager) => {
      // Serialises repeats of one attempt whatever account they name; always taken before a customer's row.
      await lockForTransaction(manager, `account.fund-password-attempt|${attemptId}`);
      const earlier = await manager.findOneBy(FundPasswordVerificationRecord, { attemptId });
      if (earlier) {
        if (earlier.fundAccountNo !== fundAccountNo) {
          throw new DomainError('IDEMPOTENCY_KEY_REUSED', `attempt ${attemptId} was made for another fund account`, { field: 'attemptId' });
        }
        return earlier.result;
      }
      const account = await manager.findOneBy(FundAccount, { fundAccountNo });
      if (!account) return 'UNKNOWN_FUND_ACCOUNT';
      const customer = await manager.findOne(Customer, { where: { customerNo: account.customerNo }, lock: { mode: 'pessimistic_write' } });
      const result = await this.judge(manager, customer, attempt);
      await manager.insert(FundPasswordVerificationRecord, { attemptId, fundAccountNo, result });
      return result;
    });
  }

  private async judge(manager: EntityManager, customer: Customer | null, { fundAccountNo, password }: FundPasswordAttempt): Promise<RecordedVerdict> {
    if (!customer?.fundPasswordHash) return 'NOT_SET';
    if (customer.fundPasswordFailures >= FUND_PASSWORD_MAX_FAILURES) return 'LOCKED';
    if (FUND_PASSWORD_PATTERN.test(password) && (await fundPasswordMatches(password, customer.fundPasswordHash))) {
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
