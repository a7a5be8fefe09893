import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import type { AccountFunctionCode, Initiator } from '@custody/bank-protocol';
import type { Currency } from '@custody/money';
import { cursorRows, readInSnapshot } from '@custody/persistence';
import type { Chk02Row, Chk03Row, RelationshipStateAfter } from './account-day-file-records';

/** bank-protocol.md §5: the functions whose relationships CHK02 lists (11005 and 11011 change no custody state). */
export const CHK02_FUNCTIONS: readonly AccountFunctionCode[] = ['11001', '11002', '11003', '11004', '11006', '11010'];
/** bank-protocol.md §5: the functions CHK03 lists. */
export const CHK03_FUNCTIONS: readonly AccountFunctionCode[] = ['11001', '11002', '11003', '11004', '11005', '11006', '11010', '11011'];

interface Chk02Db {
  fund_account_no: string;
  currency: Currency;
  bank_account_no: string | null;
  status_after: RelationshipStateAfter;
  customer_name: string;
  branch_id: string;
  occurred_at: Date;
}

interface Chk03Db {
  function_code: AccountFunctionCode;
  initiator: Initiator;
  broker_serial_no: string | null;
  bank_serial_no: string | null;
  custody_account_no: string | null;
  bank_account_no: string | null;
  fund_account_no: string;
  currency: Currency;
  customer_name: string;
  branch_id: string;
  id_type: string;
  id_number_sealed: string;
  amount: string | null;
  occurred_at: Date;
}

/**
 * The rows of the account's day files, streamed from one read-only snapshot a batch at a time (`readInSnapshot`,
 * `cursorRows`): a bank
 * with a million relationships touched in a day never has them all in memory. Ordered, so a file is the same
 * bytes each time it is written from the same books.
 */
@Injectable()
export class AccountDayFileRepository {
  constructor(private readonly dataSource: DataSource) {}

  /**
   * CHK02: each (fund account, currency) at the bank touched on D by a function of `CHK02_FUNCTIONS`, with what the
   * last function up to the end of D left it as — over every relationship of that pair at the bank, since a
   * cancellation and a new designation the same day are two relationships of one CHK02 record.
   */
  async *chk02Rows(bankCode: string, businessDate: string): AsyncGenerator<Chk02Row> {
    const rows = await this.snapshotRows<Chk02Db>(
      `WITH touched AS (
         SELECT DISTINCT r.fund_account_no, r.currency
           FROM account.account_functions f
           JOIN account.custody_relationships r ON r.id = f.relationship_id
          WHERE f.bank_code = $1 AND f.business_date = $2 AND f.function_code = ANY($3) AND f.outcome = 'SUCCEEDED')
       SELECT DISTINCT ON (r.fund_account_no, r.currency)
              r.fund_account_no, r.currency, f.bank_account_no, f.status_after, c.name AS customer_name, a.branch_id, f.occurred_at
         FROM touched t
         JOIN account.custody_relationships r ON r.fund_account_no = t.fund_account_no AND r.currency = t.currency AND r.bank_code = $1
         JOIN account.account_functions f ON f.relationship_id = r.id AND f.business_date <= $2 AND f.outcome = 'SUCCEEDED'
         JOIN account.fund_accounts a ON a.fund_account_no = r.fund_account_no AND a.currency = r.currency
         JOIN account.customers c ON c.customer_no = a.customer_no
        ORDER BY r.fund_account_no, r.currency, f.business_date DESC, f.seq DESC`,
      [bankCode, businessDate, CHK02_FUNCTIONS],
    );
    for await (const row of rows) {
      yield {
        fundAccountNo: row.fund_account_no,
        currency: row.currency.trim() as Currency,
        bankAccountNo: row.bank_account_no,
        statusAfter: row.status_after,
        customerName: row.customer_name,
        branchId: row.branch_id,
        occurredAt: row.occurred_at,
      };
    }
  }

  /** CHK03: every function of `CHK03_FUNCTIONS` that succeeded at the bank on D, in the order they took effect (a failed request is not listed). */
  async *chk03Rows(bankCode: string, businessDate: string): AsyncGenerator<Chk03Row & { idNumberSealed: string }> {
    const rows = await this.snapshotRows<Chk03Db>(
      `SELECT f.function_code, f.initiator, f.broker_serial_no, f.bank_serial_no, f.custody_account_no, f.bank_account_no,
              r.fund_account_no, r.currency, c.name AS customer_name, a.branch_id, c.id_type, c.id_number_sealed,
              f.amount::text AS amount, f.occurred_at
         FROM account.account_functions f
         JOIN account.custody_relationships r ON r.id = f.relationship_id
         JOIN account.fund_accounts a ON a.fund_account_no = r.fund_account_no AND a.currency = r.currency
         JOIN account.customers c ON c.customer_no = a.customer_no
        WHERE f.bank_code = $1 AND f.business_date = $2 AND f.function_code = ANY($3) AND f.outcome = 'SUCCEEDED'
        ORDER BY f.seq`,
      [bankCode, businessDate, CHK03_FUNCTIONS],
    );
    for await (const row of rows) {
      yield {
        functionCode: row.function_code,
        initiator: row.initiator,
        brokerSerialNo: row.broker_serial_no,
        bankSerialNo: row.bank_serial_no,
        custodyAccountNo: row.custody_account_no,
        bankAccountNo: row.bank_account_no,
        fundAccountNo: row.fund_account_no,
        currency: row.currency.trim() as Currency,
        customerName: row.customer_name,
        branchId: row.branch_id,
        idType: row.id_type.trim(),
        idNumberSealed: row.id_number_sealed,
        amount: row.amount,
        occurredAt: row.occurred_at,
      };
    }
  }

  private snapshotRows<R>(sql: string, params: unknown[]): Promise<AsyncIterable<R>> {
    return readInSnapshot(this.dataSource, async (manager) => cursorRows<R>(manager, sql, params));
  }

  /**
   * Designations at the bank still awaiting an answer — ours awaiting the bank's (PENDING), or the bank's awaiting the
   * ledger's opening balance (an 11001 or 11010 B without its 金额): while one is, the day's files could miss it or list
   * it with the wrong amount.
   */
  async unsettledDesignations(bankCode: string): Promise<number> {
    const [{ unsettled }]: Array<{ unsettled: number }> = await this.dataSource.query(
      `SELECT (SELECT count(*) FROM account.custody_relationships WHERE bank_code = $1 AND status = 'PENDING')
            + (SELECT count(*) FROM account.account_functions
                WHERE bank_code = $1 AND initiator = 'B' AND function_code IN ('11001', '11010') AND amount IS NULL) AS unsettled`,
      [bankCode],
    );
    return Number(unsettled);
  }

  /** F-3.8 S cancellations at the bank still awaiting its answer (index custody_function_requests_pending_cancellations). */
  async pendingCancellations(bankCode: string): Promise<number> {
    const [{ pending }]: Array<{ pending: number }> = await this.dataSource.query(
      `SELECT count(*)::int AS pending FROM account.custody_function_requests WHERE bank_code = $1 AND function = 'CANCEL_DESIGNATION' AND status = 'PENDING'`,
      [bankCode],
    );
    return pending;
  }
}
