import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Fired timers are pruned by age (saga-retention.ts); this index lets each batch read the oldest as a range.
 * CONCURRENTLY (outside a transaction) so timers keep being set and fired while it is built.
 */
export class SagaFiredTimersIndex1732200000054 implements MigrationInterface {
  name = 'SagaFiredTimersIndex1732200000054';
  transaction = false;

  async up(runner: QueryRunner): Promise<void> {
    await runner.query(`DROP INDEX CONCURRENTLY IF EXISTS saga.timers_fired`);
    await runner.query(`CREATE INDEX CONCURRENTLY timers_fired ON saga.timers (fired_at) WHERE fired_at IS NOT NULL`);
  }

  async down(runner: QueryRunner): Promise<void> {
    await runner.query(`DROP INDEX CONCURRENTLY IF EXISTS saga.timers_fired`);
  }
}
