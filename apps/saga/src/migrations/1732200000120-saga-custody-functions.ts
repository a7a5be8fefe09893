import type { MigrationInterface, QueryRunner } from 'typeorm';

/** Broker-started account functions are sagas of their own kinds (F-3.10: the bank balance query, 11009). */
export class SagaCustodyFunctions1732200000120 implements MigrationInterface {
  name = 'SagaCustodyFunctions1732200000120';

  async up(runner: QueryRunner): Promise<void> {
    await runner.query(`ALTER TABLE saga.sagas DROP CONSTRAINT sagas_kind_check,
      ADD CONSTRAINT sagas_kind_check CHECK (kind IN ('DESIGNATION', 'TRANSFER', 'DAY', 'BANK_BALANCE_QUERY'))`);
  }

  async down(runner: QueryRunner): Promise<void> {
    await runner.query(`DELETE FROM saga.sagas WHERE kind = 'BANK_BALANCE_QUERY'`);
    await runner.query(`ALTER TABLE saga.sagas DROP CONSTRAINT sagas_kind_check,
      ADD CONSTRAINT sagas_kind_check CHECK (kind IN ('DESIGNATION', 'TRANSFER', 'DAY'))`);
  }
}
