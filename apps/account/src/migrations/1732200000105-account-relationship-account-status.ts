import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * A relationship's account status (bank-protocol.md §4.1 "11011", JR/T 0046 §7.12): NORMAL, FROZEN or LOST, set by
 * an 11011 and orthogonal to the custody state in `status` (a frozen relationship stays DESIGNATED). Every existing
 * relationship is NORMAL: no 11011 was taken before this.
 */
export class AccountRelationshipAccountStatus1732200000105 implements MigrationInterface {
  name = 'AccountRelationshipAccountStatus1732200000105';

  async up(runner: QueryRunner): Promise<void> {
    await runner.query(
      `ALTER TABLE account.custody_relationships
         ADD COLUMN account_status text NOT NULL DEFAULT 'NORMAL' CHECK (account_status IN ('NORMAL', 'FROZEN', 'LOST'))`,
    );
  }

  async down(runner: QueryRunner): Promise<void> {
    await runner.query(`ALTER TABLE account.custody_relationships DROP COLUMN account_status`);
  }
}
