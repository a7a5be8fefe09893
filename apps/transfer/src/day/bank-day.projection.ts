import { Injectable, Logger } from '@nestjs/common';
import type { z } from 'zod';
import type { bankDayChanged, DayPhase } from '@custody/contracts';
import type { EntityManager } from 'typeorm';

type BankDayChanged = z.infer<typeof bankDayChanged.schema>;

/**
 * The sequence the transfer service's own serials are numbered from (`serialNoOf(n, TRANSFER_SERIALS, 'transfer', date)`);
 * a transfer through a bank takes its number with its ledger and its bank's day (`LedgerRepository.lockWithBankDay`).
 */
export const TRANSFER_SERIALS = 'transfer.serial_seq';

/** A bank's day as the transfer service last heard of it. */
export interface BankDayState {
  readonly businessDate: string;
  readonly phase: DayPhase;
}

/** The newest day the transfer service heard of at one bank. */
export interface BankDayRow extends BankDayState {
  readonly bankCode: string;
}

/**
 * SQL for `transfer.bank_days` (the newest phase of each bank's newest day) and `transfer.bank_day_snapshots` (the
 * transfers of each bank's day still open at its 13011), in the caller's transaction.
 */
@Injectable()
export class BankDayProjection {
  private readonly logger = new Logger(BankDayProjection.name);

  /**
   * Keeps the newest: a later date, or the same date changed later; an older event delivered late changes nothing.
   * An ENDED day's snapshot is kept for its date whatever comes after: the day's files are asked for later. The
   * first snapshot of a day stands (13011 is answered once).
   */
  async apply(manager: EntityManager, event: BankDayChanged): Promise<void> {
    await manager.query(
      `INSERT INTO transfer.bank_days (bank_code, business_date, phase, changed_at) VALUES ($1, $2, $3, $4)
       ON CONFLICT (bank_code) DO UPDATE SET business_date = excluded.business_date, phase = excluded.phase, changed_at = excluded.changed_at
        WHERE (transfer.bank_days.business_date, transfer.bank_days.changed_at) <= (excluded.business_date, excluded.changed_at)`,
      [event.bankCode, event.businessDate, event.phase, event.changedAt],
    );
    if (event.phase !== 'ENDED') return;
    // The contract sends it with every ENDED; one without says the saga held nothing open. Were that wrong, the
    // books still show the transfers left PENDING or UNKNOWN, and the day's files wait for them (snapshotAgreement).
    if (!event.snapshot) this.logger.warn({ bankCode: event.bankCode, businessDate: event.businessDate }, 'ENDED without a snapshot: taken as no transfer left open');
    await manager.query(
      `INSERT INTO transfer.bank_day_snapshots (bank_code, business_date, unsettled_transfer_ids) VALUES ($1, $2, $3::uuid[])
       ON CONFLICT (bank_code, business_date) DO NOTHING`,
      [event.bankCode, event.businessDate, event.snapshot?.unsettledTransferIds ?? []],
    );
  }

  async of(manager: EntityManager, bankCode: string): Promise<BankDayState | undefined> {
    const [row]: Array<{ business_date: string; phase: DayPhase }> = await manager.query(
      `SELECT business_date::text AS business_date, phase FROM transfer.bank_days WHERE bank_code = $1`,
      [bankCode],
    );
    return row ? { businessDate: row.business_date, phase: row.phase } : undefined;
  }

  /** Every bank's newest day. */
  async all(manager: EntityManager): Promise<BankDayRow[]> {
    return manager.query(`SELECT bank_code AS "bankCode", business_date::text AS "businessDate", phase FROM transfer.bank_days ORDER BY bank_code`);
  }

  /** The transfers of (bank, D) open when its 13011 was answered, or undefined until the ENDED event came. */
  async snapshotOf(manager: EntityManager, bankCode: string, businessDate: string): Promise<string[] | undefined> {
    const [row]: Array<{ ids: string[] }> = await manager.query(
      `SELECT unsettled_transfer_ids::text[] AS ids FROM transfer.bank_day_snapshots WHERE bank_code = $1 AND business_date = $2`,
      [bankCode, businessDate],
    );
    return row?.ids;
  }
}
