import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import type { AccountFunctionCode, Initiator } from '@custody/bank-protocol';
import type { RelationshipAccountStatus } from '@custody/contracts';
import type { Currency, Money } from '@custody/money';
import type { RelationshipStatus } from './custody-relationship.entity';

/** The custody states a function leaves a relationship in (PENDING and FAILED are ours, never a function's result). */
export type StateAfter = Extract<RelationshipStatus, 'DESIGNATED' | 'PRE_DESIGNATED' | 'CANCELLED'>;

/**
 * Who asked for a function: a principal of ours (subject@issuer of the bearer token) for one the broker starts —
 * null only for a request taken before principals were kept — or, for one the bank starts, the bank (`bankCode`).
 */
export type Requester = { readonly initiator: Extract<Initiator, 'B'> } | { readonly initiator: Extract<Initiator, 'S'>; readonly requestedBy: string | null };

interface FunctionFacts {
  readonly relationshipId: string;
  readonly bankCode: string;
  /** The bank day D the function was made on: its CHK02/CHK03 date. */
  readonly businessDate: string;
  readonly functionCode: AccountFunctionCode;
  readonly brokerSerialNo: string | null;
  readonly bankSerialNo: string | null;
  readonly custodyAccountNo: string | null;
  /** The relationship's bank account after the function. */
  readonly bankAccountNo: string | null;
  /**
   * The money the function carried (an 11001's or 11010's opening balance); null when the message did not say, and for a
   * bank's 11001/11010 until the ledger gave its opening balance (`recordOpeningBalance`).
   */
  readonly amount: Money | null;
}

/** An account function (账户类交易) that succeeded on a relationship, as the day files list it (bank-protocol.md §5). */
export type AccountFunctionEntry = FunctionFacts & Requester & { readonly statusAfter: StateAfter };

/**
 * A request of the broker's the bank refused, or that never reached it: journaled for the relationship's history,
 * listed in no day file. `statusAfter` is the custody state it left as it was; null when it was to open the relationship.
 */
export type FailedFunctionEntry = FunctionFacts &
  Extract<Requester, { initiator: 'S' }> & {
    readonly statusAfter: StateAfter | null;
    readonly failure: { readonly code: string; readonly bankReturnCode?: string; readonly message?: string };
  };

/** One row of a fund account's journal, as its history shows it. */
export interface JournalRow {
  readonly relationshipId: string;
  readonly bankCode: string;
  readonly currency: Currency;
  readonly businessDate: string;
  readonly functionCode: AccountFunctionCode;
  readonly initiator: Initiator;
  readonly brokerSerialNo: string | null;
  readonly bankSerialNo: string | null;
  readonly requestedBy: string | null;
  readonly statusAfter: StateAfter | null;
  /** Null only on an 11011 older than the journal's account statuses (its migration says why). */
  readonly accountStatusAfter: RelationshipAccountStatus | null;
  readonly outcome: 'SUCCEEDED' | 'FAILED';
  readonly failure: { readonly code: string; readonly bankReturnCode: string | null; readonly message: string | null } | null;
  readonly occurredAt: Date;
}

interface JournalDb {
  relationship_id: string;
  bank_code: string;
  currency: string;
  business_date: string;
  function_code: AccountFunctionCode;
  initiator: Initiator;
  broker_serial_no: string | null;
  bank_serial_no: string | null;
  requested_by: string | null;
  status_after: StateAfter | null;
  account_status_after: RelationshipAccountStatus | null;
  outcome: 'SUCCEEDED' | 'FAILED';
  failure_code: string | null;
  bank_return_code: string | null;
  failure_message: string | null;
  occurred_at: Date;
}

/**
 * The journal of account functions (`account.account_functions`): every change of a relationship — which function,
 * from which side, under which serial, asked for by whom, with the states it left — and the broker's requests that
 * failed. The day files (CHK02, CHK03) are its succeeded rows; a relationship's history is all of it.
 */
@Injectable()
export class AccountFunctionRepository {
  /**
   * In the transaction that applies the function to the relationship, so the two never disagree: after the
   * relationship is saved, since the row takes the account status the relationship has then.
   */
  async record(manager: EntityManager, entry: AccountFunctionEntry): Promise<void> {
    await this.insert(manager, entry, 'SUCCEEDED', entry.statusAfter, null);
  }

  /** In the transaction that settles the request as failed. */
  async recordFailure(manager: EntityManager, entry: FailedFunctionEntry): Promise<void> {
    await this.insert(manager, entry, 'FAILED', entry.statusAfter, entry.failure);
  }

  private async insert(
    manager: EntityManager,
    entry: FunctionFacts & Requester,
    outcome: 'SUCCEEDED' | 'FAILED',
    statusAfter: StateAfter | null,
    failure: FailedFunctionEntry['failure'] | null,
  ): Promise<void> {
    await manager.query(
      `INSERT INTO account.account_functions
         (relationship_id, bank_code, business_date, function_code, initiator, broker_serial_no, bank_serial_no,
          custody_account_no, bank_account_no, amount, status_after, requested_by, outcome, failure_code, bank_return_code, failure_message,
          account_status_after)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16,
               (SELECT account_status FROM account.custody_relationships WHERE id = $1))`,
      [
        entry.relationshipId,
        entry.bankCode,
        entry.businessDate,
        entry.functionCode,
        entry.initiator,
        entry.brokerSerialNo,
        entry.bankSerialNo,
        entry.custodyAccountNo,
        entry.bankAccountNo,
        entry.amount?.toString() ?? null,
        statusAfter,
        entry.initiator === 'S' ? entry.requestedBy : null,
        outcome,
        failure?.code ?? null,
        failure?.bankReturnCode ?? null,
        failure?.message ?? null,
      ],
    );
  }

  /**
   * The opening balance the ledger gave the bank for a relationship the bank opened (11001 B, 11010 B): the 金额 of its
   * CHK03 record. Only a record still without one takes it, so a repeat (the same figure) changes nothing.
   */
  async recordOpeningBalance(manager: EntityManager, relationshipId: string, openingBalance: Money): Promise<void> {
    await manager.query(
      `UPDATE account.account_functions SET amount = $2
        WHERE relationship_id = $1 AND initiator = 'B' AND function_code IN ('11001', '11010') AND amount IS NULL`,
      [relationshipId, openingBalance.toString()],
    );
  }

  /** The function the bank started under this serial, if it succeeded (a repeat of it is answered again). */
  async ofBankSerial(manager: EntityManager, bankCode: string, bankSerialNo: string): Promise<{ relationshipId: string; bankAccountNo: string | null } | undefined> {
    const rows: Array<{ relationship_id: string; bank_account_no: string | null }> = await manager.query(
      `SELECT relationship_id, bank_account_no FROM account.account_functions
        WHERE initiator = 'B' AND bank_code = $1 AND bank_serial_no = $2 AND outcome = 'SUCCEEDED'`,
      [bankCode, bankSerialNo],
    );
    return rows[0] && { relationshipId: rows[0].relationship_id, bankAccountNo: rows[0].bank_account_no };
  }

  /** Every row of the fund account's relationships, in the order they were recorded. */
  async journalOf(manager: EntityManager, fundAccountNo: string): Promise<JournalRow[]> {
    const rows: JournalDb[] = await manager.query(
      `SELECT f.relationship_id, f.bank_code, r.currency, f.business_date::text AS business_date, f.function_code, f.initiator,
              f.broker_serial_no, f.bank_serial_no, f.requested_by, f.status_after, f.account_status_after, f.outcome,
              f.failure_code, f.bank_return_code, f.failure_message, f.occurred_at
         FROM account.account_functions f
         JOIN account.custody_relationships r ON r.id = f.relationship_id
        WHERE r.fund_account_no = $1
        ORDER BY f.seq`,
      [fundAccountNo],
    );
    return rows.map((row) => ({
      relationshipId: row.relationship_id,
      bankCode: row.bank_code,
      currency: row.currency.trim() as Currency,
      businessDate: row.business_date,
      functionCode: row.function_code,
      initiator: row.initiator,
      brokerSerialNo: row.broker_serial_no,
      bankSerialNo: row.bank_serial_no,
      requestedBy: row.requested_by,
      statusAfter: row.status_after,
      accountStatusAfter: row.account_status_after,
      outcome: row.outcome,
      failure: row.failure_code === null ? null : { code: row.failure_code, bankReturnCode: row.bank_return_code, message: row.failure_message },
      occurredAt: row.occurred_at,
    }));
  }
}
