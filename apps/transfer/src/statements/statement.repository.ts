import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { Money } from '@custody/money';
import type { PostingSourceKind } from '../ledger/ledger-rules';
import type { TransferType } from '../transfers/transfer.entity';

/** One journal line of a customer's fund ledger, with the transfer or adjustment it belongs to. */
export interface MovementRow {
  lineId: string;
  businessDate: string;
  source: PostingSourceKind;
  sourceId: string;
  amount: string;
  recordedAt: string;
  transferType: TransferType | null;
  serialNo: string | null;
  bankCode: string | null;
  /** ADJUSTMENT: the break it resolved, its kind and bank. */
  breakId: string | null;
  adjustmentKind: 'CREDIT' | 'DEBIT' | null;
  adjustmentBankCode: string | null;
}

/** A position in one fund ledger's journal, where lines sort by (business_date, line_id): the line there, or (date, '0') before a date's first. */
export interface JournalPosition {
  businessDate: string;
  lineId: string;
}

export interface LedgerRef {
  fundAccountNo: string;
  currency: string;
}

/**
 * Reads a fund ledger's journal for statements (F-5.2). A customer's movements are its own lines in
 * `transfer.journal_lines` (`fund_account_no` is set on those alone); holds never write lines, so a hold is no
 * movement until the withdrawal consuming it posts its debit.
 *
 * Every read is bounded by `asOfLineId`, a line id of this ledger read earlier, and that bound names one
 * instant of the books: LedgerRepository.post draws a ledger's line ids while holding the ledger's row lock,
 * so they come in commit order — once line n of a ledger is committed, every earlier line of it is too, and no
 * later-committed line can take an id below n. Reads up to n therefore give the same answer whenever they run,
 * and a paged statement neither skips nor repeats a movement nor loses its balance when money moves between pages.
 */
@Injectable()
export class StatementRepository {
  constructor(private readonly dataSource: DataSource) {}

  async hasLedger(ledger: LedgerRef): Promise<boolean> {
    const rows: unknown[] = await this.dataSource.query(`SELECT 1 FROM transfer.ledger_accounts WHERE fund_account_no = $1 AND currency = $2`, [
      ledger.fundAccountNo,
      ledger.currency,
    ]);
    return rows.length > 0;
  }

  /** The ledger's newest line id now ('0' for none): the instant a new statement reads the books at. */
  async lastLineId(ledger: LedgerRef): Promise<string> {
    const [row]: Array<{ last: string }> = await this.dataSource.query(
      `SELECT coalesce(max(line_id), 0)::text AS last FROM transfer.journal_lines WHERE fund_account_no = $1 AND currency = $2`,
      [ledger.fundAccountNo, ledger.currency],
    );
    return row.last;
  }

  /** The balance at `position`: every line of the ledger up to `asOfLineId` that sorts at or before it. */
  async balanceAt(ledger: LedgerRef, position: JournalPosition, asOfLineId: string): Promise<Money> {
    const [row]: Array<{ balance: string }> = await this.dataSource.query(
      `SELECT coalesce(sum(amount), 0)::text AS balance
         FROM transfer.journal_lines
        WHERE fund_account_no = $1 AND currency = $2 AND line_id <= $3
          AND (business_date, line_id) <= ($4::date, $5::bigint)`,
      [ledger.fundAccountNo, ledger.currency, asOfLineId, position.businessDate, position.lineId],
    );
    return Money.fromDb(row.balance);
  }

  /** Up to `limit` movements after `position` and on or before `to`, in statement order. */
  async movementsAfter(ledger: LedgerRef, position: JournalPosition, to: string, asOfLineId: string, limit: number): Promise<MovementRow[]> {
    return this.dataSource.query(
      `SELECT j.line_id::text AS "lineId", j.business_date::text AS "businessDate", j.source, j.source_id AS "sourceId", j.amount::text AS amount,
              to_char(j.created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') AS "recordedAt",
              t.type AS "transferType", t.serial_no AS "serialNo", t.bank_code AS "bankCode",
              a.break_id AS "breakId", a.kind AS "adjustmentKind", a.bank_code AS "adjustmentBankCode"
         FROM transfer.journal_lines j
         LEFT JOIN transfer.transfers t ON t.transfer_id = CASE WHEN j.source = 'TRANSFER' THEN j.source_id::uuid END
         LEFT JOIN transfer.adjustments a ON a.adjustment_id = CASE WHEN j.source = 'ADJUSTMENT' THEN j.source_id::uuid END
        WHERE j.fund_account_no = $1 AND j.currency = $2 AND j.line_id <= $3
          AND (j.business_date, j.line_id) > ($4::date, $5::bigint) AND j.business_date <= $6::date
        ORDER BY j.business_date, j.line_id
        LIMIT $7`,
      [ledger.fundAccountNo, ledger.currency, asOfLineId, position.businessDate, position.lineId, to, limit],
    );
  }
}
