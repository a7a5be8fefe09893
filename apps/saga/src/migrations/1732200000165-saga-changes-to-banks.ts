import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The broker's changes at a bank are sagas of their own kinds: F-3.4 S (11006) and F-3.5 S (11005). The check names
 * every kind so far, the broker's 11007, 11011 and 11004 (cancellation, 1732200000160) included.
 */
export class SagaChangesToBanks1732200000165 implements MigrationInterface {
  name = 'SagaChangesToBanks1732200000165';

  async up(runner: QueryRunner): Promise<void> {
    await runner.query(`ALTER TABLE saga.sagas DROP CONSTRAINT sagas_kind_check,
      ADD CONSTRAINT sagas_kind_check CHECK (kind IN ('DESIGNATION', 'TRANSFER', 'DAY', 'BANK_BALANCE_QUERY', 'IDENTITY_CHECK', 'STATUS_CHANGE', 'CUSTODY_CANCELLATION', 'BANK_ACCOUNT_CHANGE', 'CUSTOMER_DATA_CHANGE'))`);
  }

  async down(runner: QueryRunner): Promise<void> {
    await runner.query(`DELETE FROM saga.sagas WHERE kind IN ('BANK_ACCOUNT_CHANGE', 'CUSTOMER_DATA_CHANGE')`);
    await runner.query(`ALTER TABLE saga.sagas DROP CONSTRAINT sagas_kind_check,
      ADD CONSTRAINT sagas_kind_check CHECK (kind IN ('DESIGNATION', 'TRANSFER', 'DAY', 'BANK_BALANCE_QUERY', 'IDENTITY_CHECK', 'STATUS_CHANGE', 'CUSTODY_CANCELLATION'))`);
  }
}
