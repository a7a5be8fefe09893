import type { MigrationInterface, QueryRunner } from 'typeorm';

/** F-3.8 S, the broker's cancellation of a custody relationship (ledger closed, 11004, ledger cancelled or reopened), is a saga kind of its own. */
export class SagaCustodyCancellation1732200000130 implements MigrationInterface {
  name = 'SagaCustodyCancellation1732200000130';

  async up(runner: QueryRunner): Promise<void> {
    await runner.query(`ALTER TABLE saga.sagas DROP CONSTRAINT sagas_kind_check,
      ADD CONSTRAINT sagas_kind_check CHECK (kind IN ('DESIGNATION', 'TRANSFER', 'DAY', 'BANK_BALANCE_QUERY', 'CUSTODY_CANCELLATION'))`);
  }

  async down(runner: QueryRunner): Promise<void> {
    await runner.query(`DELETE FROM saga.sagas WHERE kind = 'CUSTODY_CANCELLATION'`);
    await runner.query(`ALTER TABLE saga.sagas DROP CONSTRAINT sagas_kind_check,
      ADD CONSTRAINT sagas_kind_check CHECK (kind IN ('DESIGNATION', 'TRANSFER', 'DAY', 'BANK_BALANCE_QUERY'))`);
  }
}
