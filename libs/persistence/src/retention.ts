import type { EntityManager } from 'typeorm';
import { quoteIdentifier } from './sql-identifier';

/**
 * One kind of row kept only for a while — de-duplication scaffolding, reports — which a retention job prunes
 * in small batches. Money records (transfers, journal, ledger, holds, reversals, settlement instructions, bank
 * calls) never get one: they are kept.
 */
export interface RetentionTask {
  /** Names the rows in logs, e.g. `transfer.inbox`. */
  readonly name: string;
  /** Deletes at most `limit` expired rows in the caller's transaction (keep it short); returns how many. */
  pruneBatch(manager: EntityManager, limit: number): Promise<number>;
}

export interface ExpiredRowsOptions {
  name: string;
  /** Schema-qualified and quoted (`qualifiedTable`). */
  table: string;
  /** The row's age is measured from this timestamp column; an index on it keeps each batch a range read. */
  timestampColumn: string;
  retentionMs: number;
}

/**
 * Rows of `table` whose `timestampColumn` is older than the retention, oldest first. A batch locks the rows
 * it takes with SKIP LOCKED (a row some transaction holds is left for a later batch, so the prune never
 * waits on the hot path) and deletes them by ctid in the same statement.
 */
export function expiredRows(options: ExpiredRowsOptions): RetentionTask {
  const column = quoteIdentifier(options.timestampColumn, 'column');
  const { table } = options;
  if (!(options.retentionMs > 0)) throw new Error(`retention of ${options.name} must be positive, got ${options.retentionMs} ms`);
  return {
    name: options.name,
    async pruneBatch(manager: EntityManager, limit: number): Promise<number> {
      const rows: Array<{ deleted: number }> = await manager.query(
        `WITH gone AS (
           DELETE FROM ${table} WHERE ctid = ANY(ARRAY(
             SELECT ctid FROM ${table} WHERE ${column} < now() - make_interval(secs => $1)
              ORDER BY ${column} LIMIT $2 FOR UPDATE SKIP LOCKED))
           RETURNING 1)
         SELECT count(*)::int AS deleted FROM gone`,
        [options.retentionMs / 1000, limit],
      );
      return rows[0].deleted;
    },
  };
}
