import type { MigrationInterface, QueryRunner } from 'typeorm';

/** Two more broker-started account functions, each a saga of its own kind: F-3.11 S (11007) and 11011 S. */
export class SagaIdentityAndStatusFunctions1732200000151 implements MigrationInterface {
  name = 'SagaIdentityAndStatusFunctions1732200000151';

  async up(runner: QueryRunner): Promise<void> {
    await runner.query(`ALTER TABLE saga.sagas DROP CONSTRAINT sagas_kind_check,
      ADD CONSTRAINT sagas_kind_check CHECK (kind IN ('DESIGNATION', 'TRANSFER', 'DAY', 'BANK_BALANCE_QUERY', 'IDENTITY_CHECK', 'STATUS_CHANGE'))`);
  }

  async down(runner: QueryRunner): Promise<void> {
    await runner.query(`DELETE FROM saga.sagas WHERE kind IN ('IDENTITY_CHECK', 'STATUS_CHANGE')`);
    await runner.query(`ALTER TABLE saga.sagas DROP CONSTRAINT sagas_kind_check,
      ADD CONSTRAINT sagas_kind_check CHECK (kind IN ('DESIGNATION', 'TRANSFER', 'DAY', 'BANK_BALANCE_QUERY'))`);
  }
}
