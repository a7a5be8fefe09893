import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import type { LedgerClosingPurpose, LedgerClosingRefusalCode } from '@custody/contracts';
import { Money } from '@custody/money';

export type LedgerClosingStatus = 'CLOSED' | 'REFUSED' | 'REOPENED' | 'ENDED';

/** A function's request to close a ledger, as first decided and what became of it. */
export interface LedgerClosing {
  readonly functionId: string;
  readonly fundAccountNo: string;
  readonly currency: string;
  readonly bankCode: string;
  readonly purpose: LedgerClosingPurpose;
  readonly status: LedgerClosingStatus;
  /** The balance the ledger closed at; null for a refusal. */
  readonly balance: Money | null;
  readonly refusal: { readonly code: LedgerClosingRefusalCode; readonly message: string } | null;
}

interface LedgerClosingRow {
  function_id: string;
  fund_account_no: string;
  currency: string;
  bank_code: string;
  purpose: LedgerClosingPurpose;
  status: LedgerClosingStatus;
  balance: string | null;
  refusal_code: LedgerClosingRefusalCode | null;
  refusal_message: string | null;
}

/** `transfer.ledger_closings`, one row per function that asked to close a ledger (migration 1732200000130). */
@Injectable()
export class LedgerClosingRepository {
  /** The function's closing, locked: its reopening and its end queue behind each other. */
  async lock(manager: EntityManager, functionId: string): Promise<LedgerClosing | undefined> {
    const rows: LedgerClosingRow[] = await manager.query(
      `SELECT function_id, fund_account_no, currency, bank_code, purpose, status, balance::text AS balance, refusal_code, refusal_message
         FROM transfer.ledger_closings WHERE function_id = $1 FOR UPDATE`,
      [functionId],
    );
    return rows[0] && toClosing(rows[0]);
  }

  async insert(manager: EntityManager, closing: LedgerClosing): Promise<void> {
    await manager.query(
      `INSERT INTO transfer.ledger_closings (function_id, fund_account_no, currency, bank_code, purpose, status, balance, refusal_code, refusal_message)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)`,
      [
        closing.functionId,
        closing.fundAccountNo,
        closing.currency,
        closing.bankCode,
        closing.purpose,
        closing.status,
        closing.balance?.toString() ?? null,
        closing.refusal?.code ?? null,
        closing.refusal?.message ?? null,
      ],
    );
  }

  async setStatus(manager: EntityManager, functionId: string, status: Extract<LedgerClosingStatus, 'REOPENED' | 'ENDED'>): Promise<void> {
    await manager.query(`UPDATE transfer.ledger_closings SET status = $2, updated_at = now() WHERE function_id = $1`, [functionId, status]);
  }
}

function toClosing(row: LedgerClosingRow): LedgerClosing {
  return {
    functionId: row.function_id,
    fundAccountNo: row.fund_account_no,
    currency: row.currency.trim(),
    bankCode: row.bank_code,
    purpose: row.purpose,
    status: row.status,
    balance: row.balance === null ? null : Money.fromDb(row.balance),
    refusal: row.refusal_code === null ? null : { code: row.refusal_code, message: row.refusal_message ?? '' },
  };
}
