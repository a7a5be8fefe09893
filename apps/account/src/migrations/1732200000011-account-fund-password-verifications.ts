import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * One row per verified attempt (a bank's request, by its serial): a repeat of the attempt — the bank
 * resending its 12002 — returns the first verdict and counts no second failure (domain.md I6). The rows
 * are also the audit of who was verified when; they hold no password.
 */
export class AccountFundPasswordVerifications1732200000011 implements MigrationInterface {
  name = 'AccountFundPasswordVerifications1732200000011';

  async up(runner: QueryRunner): Promise<void> {
    await runner.query(`CREATE TABLE account.fund_password_verifications (
      attempt_id text PRIMARY KEY,
      fund_account_no text NOT NULL,
      result text NOT NULL CHECK (result IN ('MATCHED', 'MISMATCHED', 'LOCKED', 'NOT_SET')),
      verified_at timestamptz NOT NULL DEFAULT now())`);
  }

  async down(runner: QueryRunner): Promise<void> {
    await runner.query(`DROP TABLE account.fund_password_verifications`);
  }
}
