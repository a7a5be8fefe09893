import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The saga kinds of every broker-started account function: F-3.8 S (CUSTODY_CANCELLATION, 1732200000130) and F-3.11 S
 * / 11011 S (1732200000151) were added side by side, each listing the kinds it knew; the one that runs last lists them all.
 */
export class SagaCustodyFunctionKinds1732200000160 implements MigrationInterface {
  name = 'SagaCustodyFunctionKinds1732200000160';

  async up(runner: QueryRunner): Promise<void> {
    await runner.query(`ALTER TABLE saga.sagas DROP CONSTRAINT sagas_kind_check,
      ADD CONSTRAINT sagas_kind_check CHECK (kind IN ('DESIGNATION', 'TRANSFER', 'DAY', 'BANK_BALANCE_QUERY', 'IDENTITY_CHECK', 'STATUS_CHANGE', 'CUSTODY_CANCELLATION'))`);
  }

  async down(runner: QueryRunner): Promise<void> {
    await runner.query(`DELETE FROM saga.sagas WHERE kind = 'CUSTODY_CANCELLATION'`);
    await runner.query(`ALTER TABLE saga.sagas DROP CONSTRAINT sagas_kind_check,
      ADD CONSTRAINT sagas_kind_check CHECK (kind IN ('DESIGNATION', 'TRANSFER', 'DAY', 'BANK_BALANCE_QUERY', 'IDENTITY_CHECK', 'STATUS_CHANGE'))`);
  }
}
