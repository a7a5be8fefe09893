import { Injectable } from '@nestjs/common';
import type { z } from 'zod';
import type { bankDayChanged, DayPhase } from '@custody/contracts';
import type { EntityManager } from 'typeorm';

type BankDayChanged = z.infer<typeof bankDayChanged.schema>;

/** A bank's day as the transfer service last heard of it. */
export interface BankDayState {
  readonly businessDate: string;
  readonly phase: DayPhase;
}

/** SQL for `transfer.bank_days`: the newest phase of each bank's newest day, in the caller's transaction. */
@Injectable()
export class BankDayProjection {
  /** Keeps the newest: a later date, or the same date changed later; an older event delivered late changes nothing. */
  async apply(manager: EntityManager, event: BankDayChanged): Promise<void> {
    await manager.query(
      `INSERT INTO transfer.bank_days (bank_code, business_date, phase, changed_at) VALUES ($1, $2, $3, $4)
       ON CONFLICT (bank_code) DO UPDATE SET business_date = excluded.business_date, phase = excluded.phase, changed_at = excluded.changed_at
        WHERE (transfer.bank_days.business_date, transfer.bank_days.changed_at) <= (excluded.business_date, excluded.changed_at)`,
      [event.bankCode, event.businessDate, event.phase, event.changedAt],
    );
  }

  async of(manager: EntityManager, bankCode: string): Promise<BankDayState | undefined> {
    const [row]: Array<{ business_date: string; phase: DayPhase }> = await manager.query(
      `SELECT business_date::text AS business_date, phase FROM transfer.bank_days WHERE bank_code = $1`,
      [bankCode],
    );
    return row ? { businessDate: row.business_date, phase: row.phase } : undefined;
  }
}
