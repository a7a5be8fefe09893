import { Injectable } from '@nestjs/common';
import type { DayPhase } from '@custody/contracts';
import type { EntityManager } from 'typeorm';

export interface BankDay {
  bankCode: string;
  businessDate: string;
  phase: DayPhase;
  deferredReason: string | null;
  openBreaks: number;
  endingSince: Date | null;
  phaseChangedAt: Date;
}

interface BankDayRow {
  bank_code: string;
  business_date: string;
  phase: DayPhase;
  deferred_reason: string | null;
  open_breaks: number;
  ending_since: Date | null;
  phase_changed_at: Date;
}

const COLUMNS = `bank_code, business_date::text AS business_date, phase, deferred_reason, open_breaks, ending_since, phase_changed_at`;

function bankDayOf(row: BankDayRow): BankDay {
  return {
    bankCode: row.bank_code,
    businessDate: row.business_date,
    phase: row.phase,
    deferredReason: row.deferred_reason,
    openBreaks: row.open_breaks,
    endingSince: row.ending_since,
    phaseChangedAt: row.phase_changed_at,
  };
}

/** SQL for the business date and each bank's day; every method runs in the caller's transaction. */
@Injectable()
export class BankDayRepository {
  /** The broker's business date, or undefined before the first start ever set it. */
  async businessDate(manager: EntityManager, forUpdate = false): Promise<string | undefined> {
    const [row]: Array<{ business_date: string }> = await manager.query(
      `SELECT business_date::text AS business_date FROM saga.business_date${forUpdate ? ' FOR UPDATE' : ''}`,
    );
    return row?.business_date;
  }

  /** Sets the first business date of a fresh database; a date already set stays (a replica raced us). */
  async initBusinessDate(manager: EntityManager, date: string): Promise<void> {
    await manager.query(`INSERT INTO saga.business_date (business_date) VALUES ($1) ON CONFLICT (singleton) DO NOTHING`, [date]);
  }

  async switchBusinessDate(manager: EntityManager, date: string): Promise<void> {
    await manager.query(`UPDATE saga.business_date SET business_date = $1, switched_at = now()`, [date]);
  }

  /** The bank's day on `date`, created NOT_STARTED if it did not exist; returns it locked. */
  async ensure(manager: EntityManager, bankCode: string, date: string): Promise<BankDay> {
    await manager.query(`INSERT INTO saga.bank_days (bank_code, business_date, phase) VALUES ($1, $2, 'NOT_STARTED') ON CONFLICT DO NOTHING`, [bankCode, date]);
    return (await this.lock(manager, bankCode, date))!;
  }

  async lock(manager: EntityManager, bankCode: string, date: string): Promise<BankDay | undefined> {
    const [row]: BankDayRow[] = await manager.query(`SELECT ${COLUMNS} FROM saga.bank_days WHERE bank_code = $1 AND business_date = $2 FOR UPDATE`, [bankCode, date]);
    return row ? bankDayOf(row) : undefined;
  }

  async find(manager: EntityManager, bankCode: string, date: string): Promise<BankDay | undefined> {
    const [row]: BankDayRow[] = await manager.query(`SELECT ${COLUMNS} FROM saga.bank_days WHERE bank_code = $1 AND business_date = $2`, [bankCode, date]);
    return row ? bankDayOf(row) : undefined;
  }

  /** Each bank's day of the broker's business date, in one statement (none before the first start set the date). */
  async onBusinessDate(manager: EntityManager): Promise<BankDay[]> {
    const rows: BankDayRow[] = await manager.query(
      `SELECT ${COLUMNS} FROM saga.bank_days WHERE business_date = (SELECT business_date FROM saga.business_date) ORDER BY bank_code`,
    );
    return rows.map(bankDayOf);
  }

  async onDate(manager: EntityManager, date: string): Promise<BankDay[]> {
    const rows: BankDayRow[] = await manager.query(`SELECT ${COLUMNS} FROM saga.bank_days WHERE business_date = $1 ORDER BY bank_code`, [date]);
    return rows.map(bankDayOf);
  }

  async setPhase(manager: EntityManager, bankCode: string, date: string, phase: DayPhase, extra: { deferredReason?: string; endingSince?: Date } = {}): Promise<void> {
    await manager.query(
      `UPDATE saga.bank_days SET phase = $3, phase_changed_at = now(),
              deferred_reason = coalesce($4, deferred_reason), ending_since = coalesce($5, ending_since)
        WHERE bank_code = $1 AND business_date = $2`,
      [bankCode, date, phase, extra.deferredReason ?? null, extra.endingSince ?? null],
    );
  }

  async setOpenBreaks(manager: EntityManager, bankCode: string, date: string, openBreaks: number): Promise<void> {
    await manager.query(`UPDATE saga.bank_days SET open_breaks = $3 WHERE bank_code = $1 AND business_date = $2 AND open_breaks <> $3`, [bankCode, date, openBreaks]);
  }

  /** The bank's transfers of `date` whose saga is not done: at 13011, what reconciliation will settle. */
  async openTransfers(manager: EntityManager, bankCode: string, date: string): Promise<Array<{ transferId: string; fundAccountNo: string }>> {
    const rows: Array<{ subject_id: string; fund_account_no: string }> = await manager.query(
      `SELECT subject_id, payload ->> 'fundAccountNo' AS fund_account_no FROM saga.sagas
        WHERE kind = 'TRANSFER' AND state <> 'DONE' AND bank_code = $1 AND payload ->> 'businessDate' = $2 ORDER BY subject_id`,
      [bankCode, date],
    );
    return rows.map((row) => ({ transferId: row.subject_id, fundAccountNo: row.fund_account_no }));
  }

  /**
   * The bank's transfers of `date` a closing day still waits for (bank-protocol.md §7 step 3): their saga has a
   * call to the bank in flight — the original, or a query, resend or reversal of one that went UNKNOWN.
   */
  async transfersInFlight(manager: EntityManager, bankCode: string, date: string): Promise<number> {
    const [row]: Array<{ n: number }> = await manager.query(
      `SELECT count(*)::int AS n FROM saga.sagas s JOIN saga.bank_calls c ON c.call_id = s.current_call_id
        WHERE s.kind = 'TRANSFER' AND s.state <> 'DONE' AND s.bank_code = $1 AND s.payload ->> 'businessDate' = $2 AND c.completed_at IS NULL`,
      [bankCode, date],
    );
    return row.n;
  }
}
