import { Injectable, Logger } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { CHECK_OF, type DetailDifFile } from './check-columns';
import { FileLoadsRepository, pick } from './file-loads.repository';

/** How many disagreeing records an error line names; the count is always given. */
const NAMED_IN_LOG = 20;

/**
 * bankDifMatches (bank-protocol.md §7 step 6): our breaks of CHK01–03 and the bank's DIF01–03 must name the
 * same records, each with the same reason. Breaks of no file record (an UNKNOWN transfer the bank does not
 * list, operator cases) are left out: the bank cannot name what no file holds. Decided whenever both exist,
 * again when a DIF file changes; a disagreement is logged at ERROR naming the records.
 */
@Injectable()
export class DifAgreement {
  private readonly logger = new Logger(DifAgreement.name);

  constructor(private readonly loads: FileLoadsRepository) {}

  /** True/false once decided (and recorded), null while our comparison or one of the bank's DIF01–03 is missing. */
  async check(manager: EntityManager, bankCode: string, businessDate: string): Promise<boolean | null> {
    const [compared] = await manager.query(`SELECT 1 FROM reconciliation.comparisons WHERE bank_code = $1 AND business_date = $2`, [bankCode, businessDate]);
    if (!compared) return null;
    const current = await this.loads.current(manager, bankCode, businessDate);
    const difs = (Object.keys(CHECK_OF) as DetailDifFile[]).map((type) => pick(current, 'B', type));
    if (difs.some((load) => load?.status !== 'LOADED')) return null;
    const loadIds = difs.map((load) => load!.loadId);
    const disagreements: Array<{ side: 'OURS' | 'BANK'; check_file: string; reason: string; match_key: string; total: string }> = await manager.query(
      `WITH ours AS (SELECT file AS check_file, reason::text AS reason, match_key FROM reconciliation.breaks
                      WHERE bank_code = $1 AND business_date = $2 AND in_files AND file IN ('CHK01', 'CHK02', 'CHK03')),
            theirs AS (SELECT check_file, reason::text AS reason, match_key FROM reconciliation.dif_records WHERE load_id = ANY($3::bigint[])),
            apart AS (SELECT 'OURS' AS side, * FROM (SELECT * FROM ours EXCEPT SELECT * FROM theirs) o
                      UNION ALL SELECT 'BANK' AS side, * FROM (SELECT * FROM theirs EXCEPT SELECT * FROM ours) t)
       SELECT *, count(*) OVER () AS total FROM apart ORDER BY check_file, match_key LIMIT $4`,
      [bankCode, businessDate, loadIds, NAMED_IN_LOG],
    );
    const total = disagreements.length === 0 ? 0 : Number(disagreements[0].total);
    await manager.query(
      `INSERT INTO reconciliation.dif_checks (bank_code, business_date, matches, disagreements, loads) VALUES ($1, $2, $3, $4, $5)
       ON CONFLICT (bank_code, business_date) DO UPDATE SET matches = $3, disagreements = $4, loads = $5, checked_at = now()`,
      [bankCode, businessDate, total === 0, total, JSON.stringify(loadIds)],
    );
    if (total > 0) {
      const named = disagreements.map((d) => `${d.side === 'OURS' ? 'only our breaks name' : "only the bank's DIF names"} ${d.check_file} ${d.reason} ${d.match_key}`);
      this.logger.error(
        `BANK DIF DISAGREES: bank ${bankCode}, ${businessDate}: our breaks and the bank's DIF01–03 differ on ${total} record(s): ${named.join('; ')}${total > named.length ? '; …' : ''}. ` +
          `Compare both sides' files (GET /v1/reconciliation/${businessDate}/files?bankCode=${bankCode}) before approving adjustments.`,
      );
    }
    return total === 0;
  }
}
