import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Fund passwords now arrive as PIN blocks under this service's key (docs/design.md "Secrets"), so judging a
 * block that holds no PIN for its fund account moves here from the bank adapter: it is recorded as
 * UNREADABLE (first verdict per attempt, not counted). A caller may bind an attempt to a keyed digest of its
 * own request, so a repeat with other content is refused instead of answered with the first verdict.
 */
export class AccountFundPasswordPinBlocks1732200000030 implements MigrationInterface {
  name = 'AccountFundPasswordPinBlocks1732200000030';

  async up(runner: QueryRunner): Promise<void> {
    await runner.query(`ALTER TABLE account.fund_password_verifications DROP CONSTRAINT fund_password_verifications_result_check`);
    await runner.query(`ALTER TABLE account.fund_password_verifications
      ADD CONSTRAINT fund_password_verifications_result_check CHECK (result IN ('MATCHED', 'MISMATCHED', 'LOCKED', 'NOT_SET', 'UNREADABLE'))`);
    await runner.query(`ALTER TABLE account.fund_password_verifications ADD COLUMN attempt_digest char(64)`);
  }

  async down(runner: QueryRunner): Promise<void> {
    await runner.query(`ALTER TABLE account.fund_password_verifications DROP COLUMN attempt_digest`);
    // UNREADABLE verdicts counted nothing; without them a repeat is judged again, and an unreadable block again reads as nothing.
    await runner.query(`DELETE FROM account.fund_password_verifications WHERE result = 'UNREADABLE'`);
    await runner.query(`ALTER TABLE account.fund_password_verifications DROP CONSTRAINT fund_password_verifications_result_check`);
    await runner.query(`ALTER TABLE account.fund_password_verifications
      ADD CONSTRAINT fund_password_verifications_result_check CHECK (result IN ('MATCHED', 'MISMATCHED', 'LOCKED', 'NOT_SET'))`);
  }
}
