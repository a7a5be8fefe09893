import type { MigrationInterface, QueryRunner } from 'typeorm';

/** A timer whose handling fails is postponed, not retried in a hot loop; operators see how often and why. */
export class SagaTimerFailures1732200000004 implements MigrationInterface {
  name = 'SagaTimerFailures1732200000004';

  async up(runner: QueryRunner): Promise<void> {
    await runner.query(`ALTER TABLE saga.timers ADD COLUMN failures integer NOT NULL DEFAULT 0, ADD COLUMN last_error text`);
  }

  async down(runner: QueryRunner): Promise<void> {
    await runner.query(`ALTER TABLE saga.timers DROP COLUMN failures, DROP COLUMN last_error`);
  }
}
