import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import type { AdjustmentKind, AdjustmentStatus } from '@custody/contracts';
import type { Approval } from './approval-rules';

/** A row of `transfer.adjustments`: a break's adjustment as proposed, its approvals and what it became. */
export interface Adjustment {
  readonly adjustmentId: string;
  readonly breakId: string;
  readonly bankCode: string;
  /** The date of the break. */
  readonly businessDate: string;
  readonly kind: AdjustmentKind;
  readonly fundAccountNo: string;
  readonly currency: string;
  readonly amount: string | null;
  readonly transferId: string | null;
  readonly resolveTo: 'SUCCEEDED' | 'FAILED' | null;
  readonly reason: string;
  readonly status: AdjustmentStatus;
  readonly approvals: readonly Approval[];
  /** Who rejected it, when and why (REJECTED only). */
  readonly rejection: Approval | null;
  /** The rejected adjustment this MANUAL one replaced. */
  readonly replaces: string | null;
  /** The MANUAL adjustment that replaced this rejected one. */
  readonly replacedBy: string | null;
  /** The broker's business date it was applied on. */
  readonly appliedOn: string | null;
}

export type NewAdjustment = Omit<Adjustment, 'status' | 'approvals' | 'rejection' | 'replacedBy' | 'appliedOn'>;

const COLUMNS = `adjustment_id AS "adjustmentId", break_id AS "breakId", bank_code AS "bankCode", business_date::text AS "businessDate", kind,
  fund_account_no AS "fundAccountNo", currency, amount::text AS amount, transfer_id AS "transferId", resolve_to AS "resolveTo", reason, status,
  approvals, rejection, replaces, replaced_by AS "replacedBy", applied_on::text AS "appliedOn"`;

/** SQL of `transfer.adjustments`, in the caller's transaction. */
@Injectable()
export class AdjustmentRepository {
  /** Records a proposal once: false when the id is known already. */
  async insert(manager: EntityManager, adjustment: NewAdjustment): Promise<boolean> {
    const inserted: unknown[] = await manager.query(
      `INSERT INTO transfer.adjustments (adjustment_id, break_id, bank_code, business_date, kind, fund_account_no, currency, amount, transfer_id, resolve_to, reason, status, replaces)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, 'PROPOSED', $12)
       ON CONFLICT (adjustment_id) DO NOTHING RETURNING adjustment_id`,
      [
        adjustment.adjustmentId, adjustment.breakId, adjustment.bankCode, adjustment.businessDate, adjustment.kind, adjustment.fundAccountNo, adjustment.currency,
        adjustment.amount, adjustment.transferId, adjustment.resolveTo, adjustment.reason, adjustment.replaces,
      ],
    );
    return inserted.length > 0;
  }

  async find(manager: EntityManager, adjustmentId: string): Promise<Adjustment | undefined> {
    const [row]: Adjustment[] = await manager.query(`SELECT ${COLUMNS} FROM transfer.adjustments WHERE adjustment_id = $1`, [adjustmentId]);
    return row;
  }

  /** The adjustment, locked for the rest of the transaction: decisions on one adjustment are made one at a time. */
  async lock(manager: EntityManager, adjustmentId: string): Promise<Adjustment | undefined> {
    const [row]: Adjustment[] = await manager.query(`SELECT ${COLUMNS} FROM transfer.adjustments WHERE adjustment_id = $1 FOR UPDATE`, [adjustmentId]);
    return row;
  }

  /** The break's adjustment that still counts (not REJECTED), if any. */
  async liveOfBreak(manager: EntityManager, breakId: string): Promise<Adjustment | undefined> {
    const [row]: Adjustment[] = await manager.query(`SELECT ${COLUMNS} FROM transfer.adjustments WHERE break_id = $1 AND status <> 'REJECTED'`, [breakId]);
    return row;
  }

  async update(manager: EntityManager, adjustmentId: string, change: Pick<Adjustment, 'status'> & Partial<Pick<Adjustment, 'approvals' | 'rejection' | 'replacedBy' | 'appliedOn'>>): Promise<Adjustment> {
    // A CTE so the driver answers rows for a SELECT (TypeORM reshapes the result of a bare UPDATE).
    const [row]: Adjustment[] = await manager.query(
      `WITH updated AS (
         UPDATE transfer.adjustments
            SET status = $2, approvals = coalesce($3::jsonb, approvals), rejection = coalesce($4::jsonb, rejection), replaced_by = coalesce($5, replaced_by),
                applied_on = coalesce($6::date, applied_on), updated_at = now()
          WHERE adjustment_id = $1 RETURNING *)
       SELECT ${COLUMNS} FROM updated`,
      [
        adjustmentId, change.status, change.approvals ? JSON.stringify(change.approvals) : null, change.rejection ? JSON.stringify(change.rejection) : null,
        change.replacedBy ?? null, change.appliedOn ?? null,
      ],
    );
    return row;
  }
}
