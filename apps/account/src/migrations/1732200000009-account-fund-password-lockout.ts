import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Consecutive wrong fund passwords per customer: at five the password is locked until it is set again
 * (PUT …/fund-password). Kept beside the hash so both change under the customer's row lock.
 */
export class AccountFundPasswordLockout1732200000009 implements MigrationInterface {
  name = 'AccountFundPasswordLockout1732200000009';

  async up(runner: QueryRunner): Promise<void> {
    await runner.query(`ALTER TABLE account.customers ADD COLUMN fund_password_failures integer NOT NULL DEFAULT 0 CHECK (fund_password_failures >= 0)`);
  }

  async down(runner: QueryRunner): Promise<void> {
    await runner.query(`ALTER TABLE account.customers DROP COLUMN fund_password_failures`);
  }
}
