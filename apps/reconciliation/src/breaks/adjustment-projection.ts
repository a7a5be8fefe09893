import { Injectable } from '@nestjs/common';
import type { adjustmentChanged } from '@custody/contracts';
import { DomainError } from '@custody/service-kit';
import type { EntityManager } from 'typeorm';
import type { z } from 'zod';
import { BreakBook, type BreakStage } from './break-book';

export type AdjustmentChange = z.infer<typeof adjustmentChanged.schema>;

/** How far an adjustment has come: a late message never takes it back. */
const STAGE = `CASE %s WHEN 'PROPOSED' THEN 0 WHEN 'AWAITING_SECOND_APPROVAL' THEN 1 ELSE 2 END`;
const stageOf = (column: string) => STAGE.replace('%s', column);

/**
 * The transfer service decides adjustments (approvals, four eyes, the effect); this service keeps what it
 * decided for the operator queue (`GET /v1/reconciliation`): status and approvals, the MANUAL one put in place
 * of a rejected one. An APPLIED adjustment resolves its break, and the saga hears where the day stands.
 */
@Injectable()
export class AdjustmentProjection {
  constructor(private readonly breaks: BreakBook) {}

  async changed(manager: EntityManager, change: AdjustmentChange): Promise<void> {
    const [found]: Array<{ stage: BreakStage; fund_account_no: string; currency: string }> = await manager.query(
      `SELECT stage, fund_account_no, currency FROM reconciliation.breaks WHERE break_id = $1 FOR UPDATE`,
      [change.breakId],
    );
    // Every adjustment is proposed for a break of ours: one we do not know is a fault to hold and look into.
    if (!found) throw new DomainError('NOT_FOUND', `adjustment ${change.adjustmentId} names break ${change.breakId}, which this service never recorded`);
    await manager.query(
      `INSERT INTO reconciliation.adjustments AS a (adjustment_id, break_id, kind, fund_account_no, currency, transfer_id, reason, status, approvals, replaced_by, applied_on)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)
       ON CONFLICT (adjustment_id) DO UPDATE SET status = EXCLUDED.status, approvals = EXCLUDED.approvals,
              replaced_by = coalesce(EXCLUDED.replaced_by, a.replaced_by), applied_on = coalesce(EXCLUDED.applied_on, a.applied_on), updated_at = now()
        WHERE ${stageOf('a.status')} < ${stageOf('EXCLUDED.status')}
           OR (a.status = EXCLUDED.status AND jsonb_array_length(EXCLUDED.approvals) > jsonb_array_length(a.approvals))`,
      [
        change.adjustmentId,
        change.breakId,
        change.kind,
        found.fund_account_no,
        found.currency,
        change.transferId ?? null,
        `${change.kind} adjustment of the transfer service`,
        change.status,
        JSON.stringify(change.approvals),
        change.replacedBy ?? null,
        change.appliedOn ?? null,
      ],
    );
    if (change.status === 'REJECTED' && change.replacedBy) {
      await manager.query(
        `INSERT INTO reconciliation.adjustments (adjustment_id, break_id, kind, fund_account_no, currency, reason, status)
         VALUES ($1, $2, 'MANUAL', $3, $4, $5, 'PROPOSED') ON CONFLICT (adjustment_id) DO NOTHING`,
        [change.replacedBy, change.breakId, found.fund_account_no, found.currency, `MANUAL in place of the rejected ${change.kind} adjustment ${change.adjustmentId}`],
      );
    }
    if (change.status !== 'APPLIED') return;
    // An UPDATE answers [rows, count] through TypeORM.
    const [resolved]: [unknown[], number] = await manager.query(
      `UPDATE reconciliation.breaks SET status = 'RESOLVED', resolved_at = now() WHERE break_id = $1 AND status = 'OPEN' RETURNING break_id`,
      [change.breakId],
    );
    if (resolved.length > 0) {
      const [day]: Array<{ bank_code: string; business_date: string }> = await manager.query(
        `SELECT bank_code, business_date::text AS business_date FROM reconciliation.breaks WHERE break_id = $1`,
        [change.breakId],
      );
      await this.breaks.announce(manager, day.bank_code, day.business_date, found.stage);
    }
  }
}
