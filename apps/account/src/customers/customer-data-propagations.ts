import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { CURRENCIES, type Currency } from '@custody/money';

/**
 * A bank to tell of a customer's data, for one of the customer's fund accounts (F-3.5 S, 11005): the relationship the
 * request is recorded on (the fund account's first currency at that bank, as CHK03 lists one record per 11005), and
 * the last 11005 sent there.
 */
export interface PropagationTarget {
  readonly relationshipId: string;
  readonly fundAccountNo: string;
  readonly bankCode: string;
  readonly currency: Currency;
  readonly last?: 'PENDING' | 'SUCCEEDED' | 'FAILED';
}

/** The last 11005 sent to a bank for a fund account, as the customer's view shows it. */
export interface PropagationRow {
  readonly fundAccountNo: string;
  readonly bankCode: string;
  readonly serialNo: string;
  readonly status: 'PENDING' | 'SUCCEEDED' | 'FAILED';
  readonly dataVersion: number;
  readonly failureCode: string | null;
  readonly bankReturnCode: string | null;
  readonly failureMessage: string | null;
  readonly requestedAt: Date;
  readonly answeredAt: Date | null;
}

interface TargetDb {
  relationship_id: string;
  fund_account_no: string;
  bank_code: string;
  currency: Currency;
  last: PropagationTarget['last'] | null;
}

interface PropagationDb {
  fund_account_no: string;
  bank_code: string;
  serial_no: string;
  status: PropagationRow['status'];
  data_version: number;
  failure_code: string | null;
  bank_return_code: string | null;
  failure_message: string | null;
  created_at: Date;
  updated_at: Date;
}

/** The last 11005 per (fund account, bank): requests of one target are opened one at a time, in serial order. */
const LAST_PER_TARGET = `ORDER BY q.fund_account_no, q.bank_code, q.created_at DESC, q.serial_no DESC`;

/** F-3.5 S's SQL: which banks hold a relationship of a customer, and what each was last sent. */
@Injectable()
export class CustomerDataPropagations {
  /**
   * Every (fund account, bank) of the customer with a relationship the bank holds (pre-designated or designated: it
   * holds the customer's data either way), but `exceptBankCode`'s; a designation still awaiting the bank is not one
   * yet. One row per fund account and bank, on its first currency.
   */
  async targets(manager: EntityManager, customerNo: string, exceptBankCode?: string): Promise<PropagationTarget[]> {
    const rows: TargetDb[] = await manager.query(
      `SELECT DISTINCT ON (r.fund_account_no, r.bank_code) r.id AS relationship_id, r.fund_account_no, r.bank_code, r.currency, last.status AS last
         FROM account.custody_relationships r
         JOIN account.fund_accounts a ON a.fund_account_no = r.fund_account_no AND a.currency = r.currency
         LEFT JOIN LATERAL (
           SELECT q.status FROM account.custody_function_requests q
            WHERE q.fund_account_no = r.fund_account_no AND q.bank_code = r.bank_code AND q.function = 'CHANGE_CUSTOMER'
            ORDER BY q.created_at DESC, q.serial_no DESC LIMIT 1) last ON true
        WHERE a.customer_no = $1 AND r.status IN ('PRE_DESIGNATED', 'DESIGNATED') AND ($2::text IS NULL OR r.bank_code <> $2)
        ORDER BY r.fund_account_no, r.bank_code, array_position($3::text[], r.currency::text)`,
      [customerNo, exceptBankCode ?? null, CURRENCIES],
    );
    return rows.map((row) => ({
      relationshipId: row.relationship_id,
      fundAccountNo: row.fund_account_no,
      bankCode: row.bank_code,
      currency: row.currency.trim() as Currency,
      ...(row.last ? { last: row.last } : {}),
    }));
  }

  /** The version of the customer's data an 11005 carries, beside its request. */
  async record(manager: EntityManager, functionId: string, customerNo: string, dataVersion: number): Promise<void> {
    await manager.query(`INSERT INTO account.customer_data_propagations (function_id, customer_no, data_version) VALUES ($1, $2, $3)`, [functionId, customerNo, dataVersion]);
  }

  async of(manager: EntityManager, functionId: string): Promise<{ customerNo: string; dataVersion: number }> {
    const [row]: Array<{ customer_no: string; data_version: number }> = await manager.query(
      `SELECT customer_no, data_version FROM account.customer_data_propagations WHERE function_id = $1`,
      [functionId],
    );
    if (!row) throw new Error(`11005 request ${functionId} has no propagation record`);
    return { customerNo: row.customer_no, dataVersion: row.data_version };
  }

  /** The last 11005 to each bank for each of the customer's fund accounts. */
  async lastOf(manager: EntityManager, customerNo: string): Promise<PropagationRow[]> {
    const rows: PropagationDb[] = await manager.query(
      `SELECT DISTINCT ON (q.fund_account_no, q.bank_code)
              q.fund_account_no, q.bank_code, q.serial_no, q.status, p.data_version, q.failure_code, q.bank_return_code, q.failure_message, q.created_at, q.updated_at
         FROM account.customer_data_propagations p
         JOIN account.custody_function_requests q ON q.id = p.function_id
        WHERE p.customer_no = $1
        ${LAST_PER_TARGET}`,
      [customerNo],
    );
    return rows
      .map((row) => ({
        fundAccountNo: row.fund_account_no,
        bankCode: row.bank_code,
        serialNo: row.serial_no,
        status: row.status,
        dataVersion: row.data_version,
        failureCode: row.failure_code,
        bankReturnCode: row.bank_return_code,
        failureMessage: row.failure_message,
        requestedAt: row.created_at,
        answeredAt: row.status === 'PENDING' ? null : row.updated_at,
      }))
      .sort((a, b) => a.bankCode.localeCompare(b.bankCode) || a.fundAccountNo.localeCompare(b.fundAccountNo));
  }
}
