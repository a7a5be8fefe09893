import type { EntityManager } from 'typeorm';

/**
 * Holds a PostgreSQL advisory lock named by `key` until the caller's transaction ends: for serialising
 * work about something that has no row to lock yet (a serial, an attempt). Keys are namespaced by the
 * caller (`transfer.bank-serial|…`), since all schemas share one lock space.
 */
export async function lockForTransaction(manager: EntityManager, key: string): Promise<void> {
  await manager.query(`SELECT pg_advisory_xact_lock(hashtextextended($1, 0))`, [key]);
}
