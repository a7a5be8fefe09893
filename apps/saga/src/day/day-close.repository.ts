import { Injectable } from '@nestjs/common';
import { transferSummarySchema } from '@custody/contracts';
import type { EntityManager } from 'typeorm';
import type { CloseStep, DayClose } from './day-close-decisions';

interface DayCloseRow {
  bank_code: string;
  business_date: string;
  step: CloseStep;
  detail_files: string[] | null;
  /** The 13010 figures as stored (JSON, amounts as text). */
  summary: unknown;
  summary_attempts: number;
  balance_files: string[] | null;
  bank_files: string[];
  send_step_id: string | null;
  fetch_step_id: string | null;
  detail_compared: boolean;
  detail_open_breaks: number;
  balance_compared: boolean;
  balance_open_breaks: number;
  stalled_reason: string | null;
}

const COLUMNS = `bank_code, business_date::text AS business_date, step, detail_files, summary, summary_attempts, balance_files,
  send_step_id, fetch_step_id, detail_compared, detail_open_breaks, balance_compared, balance_open_breaks, stalled_reason,
  array(SELECT h.file_name FROM saga.bank_files_held h WHERE h.bank_code = c.bank_code AND h.business_date = c.business_date ORDER BY h.file_name) AS bank_files`;

function closeOf(row: DayCloseRow): DayClose {
  return {
    bankCode: row.bank_code,
    businessDate: row.business_date,
    step: row.step,
    detailFiles: row.detail_files,
    summary: row.summary === null ? null : transferSummarySchema.parse(row.summary),
    summaryAttempts: row.summary_attempts,
    balanceFiles: row.balance_files,
    bankFiles: row.bank_files,
    sendStepId: row.send_step_id,
    fetchStepId: row.fetch_step_id,
    detail: { compared: row.detail_compared, openBreaks: row.detail_open_breaks },
    balance: { compared: row.balance_compared, openBreaks: row.balance_open_breaks },
    stalledReason: row.stalled_reason,
  };
}

/** SQL for the close of each bank's day (saga.day_closes); every method runs in the caller's transaction. */
@Injectable()
export class DayCloseRepository {
  async lock(manager: EntityManager, bankCode: string, date: string): Promise<DayClose | undefined> {
    const [row]: DayCloseRow[] = await manager.query(`SELECT ${COLUMNS} FROM saga.day_closes c WHERE bank_code = $1 AND business_date = $2 FOR UPDATE OF c`, [bankCode, date]);
    return row ? closeOf(row) : undefined;
  }

  /** Without a lock: for a caller already holding the DAY saga's, which every change of the close takes first. */
  async find(manager: EntityManager, bankCode: string, date: string): Promise<DayClose | undefined> {
    const [row]: DayCloseRow[] = await manager.query(`SELECT ${COLUMNS} FROM saga.day_closes c WHERE bank_code = $1 AND business_date = $2`, [bankCode, date]);
    return row ? closeOf(row) : undefined;
  }

  async onDate(manager: EntityManager, date: string): Promise<DayClose[]> {
    const rows: DayCloseRow[] = await manager.query(`SELECT ${COLUMNS} FROM saga.day_closes c WHERE business_date = $1`, [date]);
    return rows.map(closeOf);
  }

  /** The bank's files now held by the reconciliation service; a file announced again is recorded once. */
  async recordBankFiles(manager: EntityManager, bankCode: string, date: string, fileNames: readonly string[]): Promise<void> {
    await manager.query(
      `INSERT INTO saga.bank_files_held (bank_code, business_date, file_name) SELECT $1, $2, unnest($3::text[]) ON CONFLICT DO NOTHING`,
      [bankCode, date, fileNames],
    );
  }

  /** Writes the whole state but the bank's files (created by the first save); the caller holds the row's lock or creates it. */
  async save(manager: EntityManager, close: DayClose): Promise<void> {
    await manager.query(
      `INSERT INTO saga.day_closes (bank_code, business_date, step, detail_files, summary, summary_attempts, balance_files,
              send_step_id, fetch_step_id, detail_compared, detail_open_breaks, balance_compared, balance_open_breaks, stalled_reason)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14)
       ON CONFLICT (bank_code, business_date) DO UPDATE SET
         step = EXCLUDED.step, detail_files = EXCLUDED.detail_files, summary = EXCLUDED.summary, summary_attempts = EXCLUDED.summary_attempts,
         balance_files = EXCLUDED.balance_files, send_step_id = EXCLUDED.send_step_id,
         fetch_step_id = EXCLUDED.fetch_step_id, detail_compared = EXCLUDED.detail_compared, detail_open_breaks = EXCLUDED.detail_open_breaks,
         balance_compared = EXCLUDED.balance_compared, balance_open_breaks = EXCLUDED.balance_open_breaks,
         stalled_reason = EXCLUDED.stalled_reason, updated_at = now()`,
      [
        close.bankCode,
        close.businessDate,
        close.step,
        close.detailFiles,
        close.summary === null ? null : JSON.stringify(close.summary),
        close.summaryAttempts,
        close.balanceFiles,
        close.sendStepId,
        close.fetchStepId,
        close.detail.compared,
        close.detail.openBreaks,
        close.balance.compared,
        close.balance.openBreaks,
        close.stalledReason,
      ],
    );
  }
}
