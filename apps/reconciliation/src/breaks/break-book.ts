import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import type { CheckFileType, DifReason } from '@custody/bank-protocol';
import { adjustmentProposed, breaksChanged } from '@custody/contracts';
import { Outbox } from '@custody/messaging';
import type { Currency } from '@custody/money';
import type { EntityManager } from 'typeorm';
import type { Proposal } from './break-proposal';
import type { BreakSide } from './break-sides';

export type BreakStage = 'DETAIL' | 'BALANCE';

/** A break as found: by a comparison (a file record), from the bank's DIF04, or an operator case. */
export interface FoundBreak {
  readonly bankCode: string;
  readonly businessDate: string;
  readonly stage: BreakStage;
  readonly file: CheckFileType | null;
  readonly reason: DifReason | null;
  /** The record's match key (bank-protocol.md §5): one break per record. */
  readonly matchKey: string | null;
  readonly initiator: 'B' | 'S' | null;
  readonly serialNo: string | null;
  readonly fundAccountNo: string;
  readonly currency: Currency;
  readonly differingFields: readonly string[];
  readonly broker: BreakSide | null;
  readonly bank: BreakSide | null;
  /** It names a record of a CHK file, which the bank's DIF files can name too. */
  readonly inFiles: boolean;
  readonly caseId?: string;
  readonly cause?: string;
  readonly description?: string;
}

export const stageOf = (file: CheckFileType | null): BreakStage => (file === 'CHK04' ? 'BALANCE' : 'DETAIL');

/**
 * The operator queue's records: breaks, each with the adjustment proposed for it, written in the transaction
 * that found them together with `adjustment.proposed` for the transfer service (outbox), and what the saga is
 * told of a bank's day (`reconciliation.breaks-changed`).
 */
@Injectable()
export class BreakBook {
  constructor(private readonly outbox: Outbox) {}

  /**
   * Records the breaks not recorded yet (one per record of a day's file, one per operator case) and proposes
   * their adjustments; returns how many were new. Any number at once: written as one statement per table.
   */
  async record(manager: EntityManager, found: ReadonlyArray<{ found: FoundBreak; proposal: Proposal }>): Promise<number> {
    if (found.length === 0) return 0;
    const rows = found.map(({ found: b }) => ({
      break_id: randomUUID(),
      bank_code: b.bankCode,
      business_date: b.businessDate,
      stage: b.stage,
      file: b.file,
      reason: b.reason,
      match_key: b.matchKey,
      initiator: b.initiator,
      serial_no: b.serialNo,
      fund_account_no: b.fundAccountNo,
      currency: b.currency,
      differing_fields: b.differingFields,
      broker: b.broker,
      bank: b.bank,
      in_files: b.inFiles,
      case_id: b.caseId ?? null,
      cause: b.cause ?? null,
      description: b.description ?? null,
    }));
    const inserted: Array<{ break_id: string }> = await manager.query(
      `INSERT INTO reconciliation.breaks (break_id, bank_code, business_date, stage, file, reason, match_key, initiator, serial_no, fund_account_no, currency,
                                         differing_fields, broker, bank, in_files, case_id, cause, description)
       SELECT break_id, bank_code, business_date, stage, file, reason, match_key, initiator, serial_no, fund_account_no, currency,
              differing_fields, broker, bank, in_files, case_id, cause, description
         FROM jsonb_to_recordset($1::jsonb) AS r(break_id uuid, bank_code text, business_date date, stage text, file text, reason text, match_key text,
              initiator text, serial_no text, fund_account_no text, currency text, differing_fields text[], broker jsonb, bank jsonb, in_files boolean,
              case_id uuid, cause text, description text)
       ON CONFLICT DO NOTHING RETURNING break_id`,
      [JSON.stringify(rows)],
    );
    const isNew = new Set(inserted.map((r) => r.break_id));
    const proposals = found
      .map(({ found: b, proposal }, i) => ({ b, proposal, breakId: rows[i].break_id, adjustmentId: randomUUID() }))
      .filter(({ breakId }) => isNew.has(breakId));
    if (proposals.length === 0) return 0;
    await manager.query(
      `INSERT INTO reconciliation.adjustments (adjustment_id, break_id, kind, fund_account_no, currency, amount, transfer_id, resolve_to, reason, status)
       SELECT adjustment_id, break_id, kind, fund_account_no, currency, amount, transfer_id, resolve_to, reason, 'PROPOSED'
         FROM jsonb_to_recordset($1::jsonb) AS r(adjustment_id uuid, break_id uuid, kind text, fund_account_no text, currency text, amount numeric,
              transfer_id uuid, resolve_to text, reason text)`,
      [
        JSON.stringify(
          proposals.map(({ proposal: p, breakId, adjustmentId }) => ({
            adjustment_id: adjustmentId,
            break_id: breakId,
            kind: p.kind,
            fund_account_no: p.fundAccountNo,
            currency: p.currency,
            amount: p.amount?.toString() ?? null,
            transfer_id: p.transferId ?? null,
            resolve_to: p.resolveTo ?? null,
            reason: p.reason,
          })),
        ),
      ],
    );
    for (const { b, proposal: p, breakId, adjustmentId } of proposals) {
      await this.outbox.add(
        manager,
        adjustmentProposed,
        {
          adjustmentId,
          breakId,
          bankCode: b.bankCode,
          businessDate: b.businessDate,
          kind: p.kind,
          fundAccountNo: p.fundAccountNo,
          currency: p.currency,
          ...(p.amount === undefined ? {} : { amount: p.amount }),
          ...(p.transferId === undefined ? {} : { transferId: p.transferId }),
          ...(p.resolveTo === undefined ? {} : { resolveTo: p.resolveTo }),
          reason: p.reason,
        },
        // The transfer service applies adjustments to ledgers: one fund account's in order.
        { key: p.fundAccountNo, businessDate: b.businessDate },
      );
    }
    return proposals.length;
  }

  /**
   * Tells the saga where one stage of a bank's day stands: its open breaks, and whether it has been compared
   * (DETAIL: both sides' CHK01–03; BALANCE: the bank's DIF04 read).
   */
  async announce(manager: EntityManager, bankCode: string, businessDate: string, stage: BreakStage): Promise<void> {
    const [row]: Array<{ open: string; compared: boolean }> = await manager.query(
      `SELECT (SELECT count(*) FROM reconciliation.breaks WHERE bank_code = $1 AND business_date = $2 AND stage = $3 AND status = 'OPEN') AS open,
              CASE WHEN $3 = 'DETAIL'
                   THEN EXISTS (SELECT 1 FROM reconciliation.comparisons WHERE bank_code = $1 AND business_date = $2)
                   ELSE EXISTS (SELECT 1 FROM reconciliation.file_loads WHERE bank_code = $1 AND business_date = $2 AND side = 'B' AND file_type = 'DIF04' AND status = 'LOADED')
              END AS compared`,
      [bankCode, businessDate, stage],
    );
    await this.outbox.add(manager, breaksChanged, { bankCode, businessDate, stage, compared: row.compared, openBreaks: Number(row.open) }, { key: bankCode, businessDate });
  }
}
