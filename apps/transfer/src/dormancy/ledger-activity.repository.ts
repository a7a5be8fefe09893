import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { Money } from '@custody/money';

/** What the dormancy rule (F-12.3) asks of a fund ledger: its balance, what is held, and its last movement's business date. */
export interface LedgerActivityFacts {
  balance: Money;
  held: Money;
  lastMovementDate: string | null;
}

@Injectable()
export class LedgerActivityRepository {
  /**
   * The ledger of (fund account, currency) linked to `bankCode`, read under its row lock so the facts are one instant
   * of it; undefined when there is none. The last movement is the newest business date of its journal lines (the
   * statement index serves it).
   */
  async facts(manager: EntityManager, fundAccountNo: string, currency: string, bankCode: string): Promise<LedgerActivityFacts | undefined> {
    const [row]: Array<{ balance: string; held: string; last_movement: string | null }> = await manager.query(
      `SELECT a.balance::text AS balance, a.held::text AS held,
              (SELECT max(j.business_date)::text FROM transfer.journal_lines j WHERE j.fund_account_no = a.fund_account_no AND j.currency = a.currency) AS last_movement
         FROM transfer.ledger_accounts a
        WHERE a.fund_account_no = $1 AND a.currency = $2 AND a.bank_code = $3
          FOR UPDATE OF a`,
      [fundAccountNo, currency, bankCode],
    );
    return row && { balance: Money.fromDb(row.balance), held: Money.fromDb(row.held), lastMovementDate: row.last_movement };
  }

  /** F-12.3: only a ledger still pre-designated at the bank takes the flag (one confirmed since is awake); true when it did. */
  async markDormant(manager: EntityManager, fundAccountNo: string, currency: string, bankCode: string): Promise<boolean> {
    const rows: unknown[] = await manager.query(
      `WITH marked AS (
         UPDATE transfer.ledger_accounts SET dormant = true
          WHERE fund_account_no = $1 AND currency = $2 AND bank_code = $3 AND custody_status = 'PRE_DESIGNATED'
          RETURNING 1)
       SELECT 1 FROM marked`,
      [fundAccountNo, currency, bankCode],
    );
    return rows.length > 0;
  }
}
