import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The relationship's account status as account announced it (`relationship.status-changed`, bank-protocol.md §4.1
 * "11011"): a FROZEN or LOST ledger refuses transfers. Every existing ledger is NORMAL: no 11011 was taken before this.
 */
export class TransferLedgerAccountStatus1732200000105 implements MigrationInterface {
  name = 'TransferLedgerAccountStatus1732200000105';

  async up(runner: QueryRunner): Promise<void> {
    await runner.query(
      `ALTER TABLE transfer.ledger_accounts
         ADD COLUMN account_status text NOT NULL DEFAULT 'NORMAL' CHECK (account_status IN ('NORMAL', 'FROZEN', 'LOST'))`,
    );
  }

  async down(runner: QueryRunner): Promise<void> {
    await runner.query(`ALTER TABLE transfer.ledger_accounts DROP COLUMN account_status`);
  }
}
