import type { MigrationInterface, QueryRunner } from 'typeorm';

/** The latest report of each bank adapter process (bank.status-reported), for GET /v1/banks. */
export class SagaBankStatus1732200000005 implements MigrationInterface {
  name = 'SagaBankStatus1732200000005';

  async up(runner: QueryRunner): Promise<void> {
    await runner.query(`CREATE TABLE saga.bank_status (
      bank_code text NOT NULL,
      adapter_instance_id text NOT NULL,
      sessions_up integer NOT NULL,
      sessions_total integer NOT NULL,
      breaker text NOT NULL CHECK (breaker IN ('CLOSED', 'OPEN', 'HALF_OPEN')),
      stopping boolean NOT NULL,
      reported_at timestamptz NOT NULL,
      PRIMARY KEY (bank_code, adapter_instance_id))`);
  }

  async down(runner: QueryRunner): Promise<void> {
    await runner.query(`DROP TABLE saga.bank_status`);
  }
}
