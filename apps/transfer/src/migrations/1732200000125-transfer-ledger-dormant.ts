import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * F-12.3: a pre-designated relationship account marked DORMANT (`relationship.marked-dormant`); its ledger leaves
 * S_CHK04 while it holds nothing, and the bank's confirmation (F-3.2) wakes it. Every existing ledger is awake.
 */
export class TransferLedgerDormant1732200000125 implements MigrationInterface {
  name = 'TransferLedgerDormant1732200000125';

  async up(runner: QueryRunner): Promise<void> {
    await runner.query(`ALTER TABLE transfer.ledger_accounts ADD COLUMN dormant boolean NOT NULL DEFAULT false`);
  }

  async down(runner: QueryRunner): Promise<void> {
    await runner.query(`ALTER TABLE transfer.ledger_accounts DROP COLUMN dormant`);
  }
}
