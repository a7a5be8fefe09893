import type { MigrationInterface, QueryRunner } from 'typeorm';

/** A transfer saga may now reverse an S-initiated original the bank never saw (F-4.3 S, F-4.4 S). */
export class SagaReversalCalls1732200000010 implements MigrationInterface {
  name = 'SagaReversalCalls1732200000010';

  async up(runner: QueryRunner): Promise<void> {
    await runner.query(`ALTER TABLE saga.bank_calls DROP CONSTRAINT bank_calls_purpose_check,
      ADD CONSTRAINT bank_calls_purpose_check CHECK (purpose IN ('ORIGINAL', 'RESEND', 'QUERY', 'REVERSAL'))`);
  }

  async down(runner: QueryRunner): Promise<void> {
    await runner.query(`ALTER TABLE saga.bank_calls DROP CONSTRAINT bank_calls_purpose_check,
      ADD CONSTRAINT bank_calls_purpose_check CHECK (purpose IN ('ORIGINAL', 'RESEND', 'QUERY'))`);
  }
}
