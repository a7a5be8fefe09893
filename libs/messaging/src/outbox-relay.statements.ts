import { qualifiedTable } from '@custody/persistence';
import { OUTBOX_TABLE } from './outbox-inbox.migration';

/**
 * How the relay's own connection runs: its marks commit without waiting for the WAL to reach disk, and its reads walk
 * the partial index of unpublished rows in id order.
 *
 * A mark is the one thing the relay writes, and losing one is harmless: a crash that loses a mark leaves the row
 * unpublished, so it is published again and its consumers' inboxes skip it — what a crash between Kafka's
 * acknowledgement and the mark does anyway. Without `synchronous_commit=off` every batch the relay publishes waited
 * for an fsync of its own (issue 9: two of a transfer's eight commits); the services' own transactions, which write the
 * rows, keep it on.
 *
 * A row the relay marks leaves a dead entry in that index until the table is vacuumed. A plain index scan finds each
 * dead entry once, sees its row is gone for everyone and flags it, so the next pass skips it; a bitmap scan flags
 * nothing and visits every dead row again on every pass. From its statistics the planner picks the bitmap scan (plus a
 * sort) for a small outbox, and a pass then costs a heap visit per row published since the last vacuum — 1.5 ms at 6,000
 * (issue 9, measured in the benchmark), growing with the rate. The connection runs nothing but the statements below, so
 * the setting changes no other plan.
 */
export const RELAY_SESSION_OPTIONS = '-c synchronous_commit=off -c enable_bitmapscan=off';

export interface RelayStatements {
  /** Takes the schema's relay lock if free ($1 its name) and, only if taken, sets the session's idle timeout ($2). */
  readonly lock: string;
  /** Up to $1 unpublished rows, oldest first. */
  readonly read: string;
  /**
   * Marks the rows $1 published and reads the next $2 in the same statement (one round trip a batch). The read shares
   * the mark's snapshot, which still shows the rows just marked as unpublished: they are left out by id.
   */
  readonly markAndReadNext: string;
  /** Marks the rows $1 published. */
  readonly mark: string;
  /** Lets go of the relay lock ($1) and of the idle timeout. */
  readonly unlock: string;
}

export function relayStatements(schema: string): RelayStatements {
  const table = qualifiedTable(schema, OUTBOX_TABLE);
  return {
    lock: `SELECT attempt.locked, set_config('idle_session_timeout', CASE WHEN attempt.locked THEN $2 ELSE '0' END, false)
             FROM (SELECT pg_try_advisory_lock(hashtextextended($1, 0)) AS locked) AS attempt`,
    read: `SELECT id, topic, message_key, envelope, trace_context FROM ${table} WHERE published_at IS NULL ORDER BY id LIMIT $1`,
    markAndReadNext: `WITH marked AS (UPDATE ${table} SET published_at = now() WHERE id = ANY($1::bigint[]))
             SELECT id, topic, message_key, envelope, trace_context FROM ${table} WHERE published_at IS NULL AND id <> ALL($1::bigint[]) ORDER BY id LIMIT $2`,
    mark: `UPDATE ${table} SET published_at = now() WHERE id = ANY($1::bigint[])`,
    unlock: `SELECT pg_advisory_unlock(hashtextextended($1, 0)), set_config('idle_session_timeout', '0', false)`,
  };
}
