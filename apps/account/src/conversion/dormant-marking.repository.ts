import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import type { Money } from '@custody/money';
import type { DormancyOutcome } from './dormancy-rules';

export interface MarkingRow {
  markingId: string;
  asOf: string;
  dormantAfterDays: number;
  cutoffDate: string;
  requestedBy: string;
  afterRelationshipId: string | null;
  allRequested: boolean;
  createdAt: Date;
}

export interface CandidateRow {
  relationshipId: string;
  fundAccountNo: string;
  currency: string;
  bankCode: string;
}

const MARKING_COLUMNS = `marking_id AS "markingId", as_of::text AS "asOf", dormant_after_days AS "dormantAfterDays", cutoff_date::text AS "cutoffDate",
  requested_by AS "requestedBy", after_relationship_id AS "afterRelationshipId", all_requested AS "allRequested", created_at AS "createdAt"`;

/** F-12.3's markings and their checks (account.dormant_markings, account.dormancy_checks). */
@Injectable()
export class DormantMarkingRepository {
  async insert(manager: EntityManager, marking: Pick<MarkingRow, 'markingId' | 'asOf' | 'dormantAfterDays' | 'cutoffDate' | 'requestedBy'>): Promise<void> {
    await manager.query(
      `INSERT INTO account.dormant_markings (marking_id, as_of, dormant_after_days, cutoff_date, requested_by) VALUES ($1, $2, $3, $4, $5)`,
      [marking.markingId, marking.asOf, marking.dormantAfterDays, marking.cutoffDate, marking.requestedBy],
    );
  }

  async marking(manager: EntityManager, markingId: string): Promise<MarkingRow | undefined> {
    const [row]: MarkingRow[] = await manager.query(`SELECT ${MARKING_COLUMNS} FROM account.dormant_markings WHERE marking_id = $1`, [markingId]);
    return row;
  }

  /** The oldest marking still asking, locked for the caller and skipped by other workers. */
  async takeRequesting(manager: EntityManager): Promise<MarkingRow | undefined> {
    const [row]: MarkingRow[] = await manager.query(
      `SELECT ${MARKING_COLUMNS} FROM account.dormant_markings WHERE NOT all_requested ORDER BY created_at LIMIT 1 FOR UPDATE SKIP LOCKED`,
    );
    return row;
  }

  /**
   * The next awake pre-designated relationships after the marking's cursor whose account functions all lie on or
   * before the cutoff (a relationship pre-designated since is active by the rule, without asking the ledger).
   */
  async candidates(manager: EntityManager, marking: MarkingRow, limit: number): Promise<CandidateRow[]> {
    return manager.query(
      `SELECT r.id AS "relationshipId", r.fund_account_no AS "fundAccountNo", r.currency, r.bank_code AS "bankCode"
         FROM account.custody_relationships r
        WHERE r.status = 'PRE_DESIGNATED' AND r.dormant_since IS NULL AND ($2::uuid IS NULL OR r.id > $2::uuid)
          AND NOT EXISTS (SELECT 1 FROM account.account_functions f WHERE f.relationship_id = r.id AND f.business_date > $1::date)
        ORDER BY r.id LIMIT $3`,
      [marking.cutoffDate, marking.afterRelationshipId, limit],
    );
  }

  async addChecks(manager: EntityManager, markingId: string, relationshipIds: string[]): Promise<void> {
    await manager.query(
      `INSERT INTO account.dormancy_checks (marking_id, relationship_id, outcome) SELECT $1, id, 'PENDING' FROM unnest($2::uuid[]) AS id`,
      [markingId, relationshipIds],
    );
  }

  async advance(manager: EntityManager, markingId: string, afterRelationshipId: string | null, allRequested: boolean): Promise<void> {
    await manager.query(`UPDATE account.dormant_markings SET after_relationship_id = coalesce($2::uuid, after_relationship_id), all_requested = $3 WHERE marking_id = $1`, [
      markingId,
      afterRelationshipId,
      allRequested,
    ]);
  }

  /** The check a report answers, locked; undefined when there is none or it was answered already (a redelivery). */
  async pendingCheck(manager: EntityManager, markingId: string, relationshipId: string): Promise<{ markingId: string } | undefined> {
    const [row]: Array<{ markingId: string }> = await manager.query(
      `SELECT marking_id AS "markingId" FROM account.dormancy_checks WHERE marking_id = $1 AND relationship_id = $2 AND outcome = 'PENDING' FOR UPDATE`,
      [markingId, relationshipId],
    );
    return row;
  }

  async settleCheck(
    manager: EntityManager,
    check: { markingId: string; relationshipId: string },
    result: { outcome: DormancyOutcome; reason: string | null; balance: Money | null; lastMovementDate: string | null },
  ): Promise<void> {
    await manager.query(
      `UPDATE account.dormancy_checks SET outcome = $3, reason = $4, balance = $5, last_movement_date = $6 WHERE marking_id = $1 AND relationship_id = $2`,
      [check.markingId, check.relationshipId, result.outcome, result.reason, result.balance?.toString() ?? null, result.lastMovementDate],
    );
  }

  /** The business date of the relationship's last account function (its 11002 at least), or null. */
  async lastFunctionDate(manager: EntityManager, relationshipId: string): Promise<string | null> {
    const [row]: Array<{ last: string | null }> = await manager.query(
      `SELECT max(business_date)::text AS last FROM account.account_functions WHERE relationship_id = $1`,
      [relationshipId],
    );
    return row.last;
  }

  async counts(manager: EntityManager, markingId: string): Promise<Record<'PENDING' | DormancyOutcome, number>> {
    const rows: Array<{ outcome: 'PENDING' | DormancyOutcome; n: number }> = await manager.query(
      `SELECT outcome, count(*)::int AS n FROM account.dormancy_checks WHERE marking_id = $1 GROUP BY outcome`,
      [markingId],
    );
    const counts = { PENDING: 0, DORMANT: 0, ACTIVE: 0, SKIPPED: 0 };
    for (const row of rows) counts[row.outcome] = row.n;
    return counts;
  }

  /** The newest business date any bank's day has reached, as account heard of it (null before the first). */
  async newestBankDay(manager: EntityManager): Promise<string | null> {
    const [row]: Array<{ newest: string | null }> = await manager.query(`SELECT max(business_date)::text AS newest FROM account.bank_days`);
    return row.newest;
  }
}
