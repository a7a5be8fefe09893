import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { cursorRows } from '@custody/persistence';
import type { ChinaTime, DayReversalRow, DayTransferRow } from './chk01-listing';
import type { LedgerBalanceRow } from './ledger-record-fields';
import type { TransferStanding } from '../day/snapshot-agreement';

const chinaDate = (column: string) => `to_char(${column} AT TIME ZONE 'Asia/Shanghai', 'YYYY-MM-DD')`;
const chinaTime = (column: string) => `to_char(${column} AT TIME ZONE 'Asia/Shanghai', 'HH24:MI:SS')`;

/** A fund ledger's naming, from `ledger_accounts a`. */
const NAMING = `a.customer_no AS "customerNo", a.customer_name AS "customerName", a.branch_id AS "branchId"`;

/**
 * A transfer with its own movement: the first customer line of its posting on its business date in the direction
 * of its type (a bank reversal posts the other way, and on its own date). Served by journal_lines_statement.
 */
const TRANSFERS = `
  SELECT t.transfer_id AS "transferId", t.type, t.initiator, t.serial_no AS "serialNo", t.our_serial_no AS "ourSerialNo",
         t.bank_serial_no AS "bankSerialNo", t.status, t.fund_account_no AS "fundAccountNo", t.currency, t.amount::text AS amount,
         coalesce(t.bank_account_no, a.bank_account_no) AS "bankAccountNo", ${NAMING},
         t.transfer_id = ANY($3::uuid[]) AS "inSnapshot",
         ${chinaDate('p.created_at')} AS "postedDate", ${chinaTime('p.created_at')} AS "postedTime",
         ${chinaDate('t.created_at')} AS "createdDate", ${chinaTime('t.created_at')} AS "createdTime"
    FROM transfer.transfers t
    JOIN transfer.ledger_accounts a ON a.fund_account_no = t.fund_account_no AND a.currency = t.currency
    LEFT JOIN LATERAL (
      SELECT j.created_at FROM transfer.journal_lines j
       WHERE j.fund_account_no = t.fund_account_no AND j.currency = t.currency AND j.business_date = t.business_date
         AND j.source = 'TRANSFER' AND j.source_id = t.transfer_id::text AND (j.amount > 0) = (t.type = 'BANK_TO_SECURITIES')
       ORDER BY j.line_id LIMIT 1) p ON true
   WHERE t.bank_code = $1 AND t.business_date = $2 AND t.type IN ('BANK_TO_SECURITIES', 'SECURITIES_TO_BANK')`;

type TransferColumns = Omit<DayTransferRow, 'posted' | 'created'> & { postedDate: string | null; postedTime: string | null; createdDate: string; createdTime: string };

function dayTransfer(row: TransferColumns): DayTransferRow {
  // Named field by field: a rest spread of twenty properties costs more than the rest of the record together.
  return {
    transferId: row.transferId,
    type: row.type,
    initiator: row.initiator,
    serialNo: row.serialNo,
    ourSerialNo: row.ourSerialNo,
    bankSerialNo: row.bankSerialNo,
    status: row.status,
    fundAccountNo: row.fundAccountNo,
    currency: row.currency,
    amount: row.amount,
    bankAccountNo: row.bankAccountNo,
    customerNo: row.customerNo,
    customerName: row.customerName,
    branchId: row.branchId,
    inSnapshot: row.inSnapshot,
    posted: at(row.postedDate, row.postedTime),
    created: { date: row.createdDate, time: row.createdTime },
  };
}

type ReversalColumns = Omit<DayReversalRow, 'posted'> & { postedDate: string | null; postedTime: string | null };

function at(date: string | null, time: string | null): ChinaTime | null {
  return date === null || time === null ? null : { date, time };
}

/**
 * SQL of a bank's day files at the transfer service (bank-protocol.md §5), in the caller's transaction — a READ
 * ONLY snapshot, so the check and every row read come from one instant. Rows stream through cursors: a day of a
 * million transfers never has a million rows in this process.
 */
@Injectable()
export class DayFilesRepository {
  /** Every transfer of (bank, D) still PENDING or UNKNOWN, and every one the snapshot names: what snapshotAgreement judges. */
  async standings(manager: EntityManager, bankCode: string, businessDate: string, snapshot: readonly string[]): Promise<TransferStanding[]> {
    return manager.query(
      `SELECT transfer_id AS "transferId", status, resolved_by_adjustment AS "resolvedByAdjustment" FROM transfer.transfers
        WHERE bank_code = $1 AND business_date = $2 AND (status IN ('PENDING', 'UNKNOWN') OR transfer_id = ANY($3::uuid[]))`,
      [bankCode, businessDate, snapshot],
    );
  }

  /** Every 12001/12002 of (bank, D), with whether and when it moved the books, in (initiator, serial) order. */
  async *transfersOfDay(manager: EntityManager, bankCode: string, businessDate: string, snapshot: readonly string[]): AsyncGenerator<DayTransferRow> {
    for await (const row of cursorRows<TransferColumns>(manager, `${TRANSFERS} ORDER BY t.initiator, t.serial_no`, [bankCode, businessDate, snapshot])) {
      yield dayTransfer(row);
    }
  }

  /** The transfers of (bank, D) the snapshot names. */
  async snapshotTransfers(manager: EntityManager, bankCode: string, businessDate: string, snapshot: readonly string[]): Promise<DayTransferRow[]> {
    const rows: TransferColumns[] = await manager.query(`${TRANSFERS} AND t.transfer_id = ANY($3::uuid[]) ORDER BY t.serial_no`, [bankCode, businessDate, snapshot]);
    return rows.map(dayTransfer);
  }

  /**
   * Every reversal the bank asked of us on D at the bank and we answered 0000, with whether and when it moved the
   * money back: the customer line of the original's transfer on the reversal's date, the other way round.
   */
  async *reversalsOfDay(manager: EntityManager, bankCode: string, businessDate: string): AsyncGenerator<DayReversalRow> {
    const sql = `
      SELECT r.function, r.serial_no AS "serialNo", r.our_serial_no AS "ourSerialNo", t.fund_account_no AS "fundAccountNo", t.currency,
             t.amount::text AS amount, coalesce(r.bank_account_no, t.bank_account_no, a.bank_account_no) AS "bankAccountNo", ${NAMING},
             ${chinaDate('p.created_at')} AS "postedDate", ${chinaTime('p.created_at')} AS "postedTime"
        FROM transfer.bank_reversals r
        JOIN transfer.transfers t ON t.transfer_id = r.transfer_id
        JOIN transfer.ledger_accounts a ON a.fund_account_no = t.fund_account_no AND a.currency = t.currency
        LEFT JOIN LATERAL (
          SELECT j.created_at FROM transfer.journal_lines j
           WHERE j.fund_account_no = t.fund_account_no AND j.currency = t.currency AND j.business_date = r.business_date
             AND j.source = 'TRANSFER' AND j.source_id = t.transfer_id::text AND (j.amount > 0) = (t.type = 'SECURITIES_TO_BANK')
           ORDER BY j.line_id LIMIT 1) p ON true
       WHERE r.bank_code = $1 AND r.business_date = $2 AND r.return_code = '0000'
       ORDER BY r.serial_no`;
    for await (const { postedDate, postedTime, ...row } of cursorRows<ReversalColumns>(manager, sql, [bankCode, businessDate])) {
      yield { ...row, posted: at(postedDate, postedTime) };
    }
  }

  /**
   * Every fund ledger of a relationship at the bank (designated, or pre-designated: its custody account holds the
   * opening balance), with its balance now, in (fund account, currency) order — but a dormant one (F-12.3) while it
   * holds nothing: the bank does not report a zero-balance account the broker leaves out (bank-protocol.md §5), and
   * one that holds money again is listed whatever its flag says.
   */
  ledgersAt(manager: EntityManager, bankCode: string): AsyncGenerator<LedgerBalanceRow> {
    return cursorRows<LedgerBalanceRow>(
      manager,
      `SELECT a.fund_account_no AS "fundAccountNo", a.currency, a.balance::text AS balance, ${NAMING}
         FROM transfer.ledger_accounts a
        WHERE a.bank_code = $1 AND a.custody_status IN ('DESIGNATED', 'PRE_DESIGNATED') AND NOT (a.dormant AND a.balance = 0)
        ORDER BY a.fund_account_no, a.currency`,
      [bankCode],
    );
  }
}
