import { Inject, Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import type { z } from 'zod';
import { type bankDayChanged, type DayPhase, movementDate } from '@custody/contracts';
import { BusinessDays, CUSTODY_CONFIG, type CustodyConfig } from '@custody/service-kit';

type BankDayChanged = z.infer<typeof bankDayChanged.schema>;

/**
 * Each bank's newest day as the account service heard of it (`day.bank-day-changed`, the table `account.bank_days`),
 * and the business date an account function the bank starts now belongs to: the bank's day, or the next business
 * date once its 13011 is answered — the rule the transfer service dates the bank's reversals by (`movementDate`). A
 * date taken from the calendar instead put an 11003 made after a date switch on the wrong day's CHK02/CHK03.
 */
@Injectable()
export class BankDays {
  private readonly businessDays: BusinessDays;

  constructor(@Inject(CUSTODY_CONFIG) config: CustodyConfig) {
    this.businessDays = new BusinessDays(config.holidays);
  }

  /** Keeps the newest: a later date, or the same date changed later; an older event delivered late changes nothing. */
  async apply(manager: EntityManager, event: BankDayChanged): Promise<void> {
    await manager.query(
      `INSERT INTO account.bank_days (bank_code, business_date, phase, changed_at) VALUES ($1, $2, $3, $4)
       ON CONFLICT (bank_code) DO UPDATE SET business_date = excluded.business_date, phase = excluded.phase, changed_at = excluded.changed_at
        WHERE (account.bank_days.business_date, account.bank_days.changed_at) <= (excluded.business_date, excluded.changed_at)`,
      [event.bankCode, event.businessDate, event.phase, event.changedAt],
    );
  }

  /** `sentDate`: the date the adapter stamped on the bank's request, used only for a bank never heard of. */
  async dateOfBankFunction(manager: EntityManager, bankCode: string, sentDate: string): Promise<string> {
    const [row]: Array<{ business_date: string; phase: DayPhase }> = await manager.query(
      `SELECT business_date::text AS business_date, phase FROM account.bank_days WHERE bank_code = $1`,
      [bankCode],
    );
    return movementDate(row ? { businessDate: row.business_date, phase: row.phase } : undefined, sentDate, this.businessDays);
  }
}
