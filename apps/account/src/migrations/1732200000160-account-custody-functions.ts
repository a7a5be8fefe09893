import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Every broker-started account function on the rail: F-3.8 S (CANCEL_DESIGNATION, 1732200000130) and F-3.11 S /
 * 11011 S (1732200000150) were added side by side, each listing the functions it knew; the one that runs last lists
 * them all.
 */
export class AccountCustodyFunctions1732200000160 implements MigrationInterface {
  name = 'AccountCustodyFunctions1732200000160';

  async up(runner: QueryRunner): Promise<void> {
    await runner.query(`ALTER TABLE account.custody_function_requests DROP CONSTRAINT custody_function_requests_function_check,
      ADD CONSTRAINT custody_function_requests_function_check CHECK (function IN ('QUERY_BANK_BALANCE', 'IDENTITY_CHECK', 'CHANGE_ACCOUNT_STATUS', 'CANCEL_DESIGNATION'))`);
  }

  async down(runner: QueryRunner): Promise<void> {
    await runner.query(`DELETE FROM account.custody_function_requests WHERE function = 'CANCEL_DESIGNATION'`);
    await runner.query(`ALTER TABLE account.custody_function_requests DROP CONSTRAINT custody_function_requests_function_check,
      ADD CONSTRAINT custody_function_requests_function_check CHECK (function IN ('QUERY_BANK_BALANCE', 'IDENTITY_CHECK', 'CHANGE_ACCOUNT_STATUS'))`);
  }
}
