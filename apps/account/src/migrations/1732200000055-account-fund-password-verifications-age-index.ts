import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Verification records are pruned by age (fund-password-verification.retention.ts); this index lets each batch
 * read the oldest as a range. CONCURRENTLY (outside a transaction) so verifications go on while it is built.
 */
export class AccountFundPasswordVerificationsAgeIndex1732200000055 implements MigrationInterface {
  name = 'AccountFundPasswordVerificationsAgeIndex1732200000055';
  transaction = false;

  async up(runner: QueryRunner): Promise<void> {
    await runner.query(`DROP INDEX CONCURRENTLY IF EXISTS account.fund_password_verifications_verified_at`);
    await runner.query(`CREATE INDEX CONCURRENTLY fund_password_verifications_verified_at ON account.fund_password_verifications (verified_at)`);
  }

  async down(runner: QueryRunner): Promise<void> {
    await runner.query(`DROP INDEX CONCURRENTLY IF EXISTS account.fund_password_verifications_verified_at`);
  }
}
