import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * A call's deadline is cancelled in the transaction that completes the call (saga-store.ts `completeCall`, issue 9):
 * this index finds a call's unfired timers without reading the table. CONCURRENTLY (outside a transaction) so timers
 * keep being set and fired while it is built.
 */
export class SagaCallTimersIndex1732200000063 implements MigrationInterface {
  name = 'SagaCallTimersIndex1732200000063';
  transaction = false;

  async up(runner: QueryRunner): Promise<void> {
    await runner.query(`DROP INDEX CONCURRENTLY IF EXISTS saga.timers_open_call`);
    await runner.query(`CREATE INDEX CONCURRENTLY timers_open_call ON saga.timers (call_id) WHERE fired_at IS NULL AND call_id IS NOT NULL`);
  }

  async down(runner: QueryRunner): Promise<void> {
    await runner.query(`DROP INDEX CONCURRENTLY IF EXISTS saga.timers_open_call`);
  }
}
