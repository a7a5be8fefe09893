import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Two more broker-started account functions on the rail: F-3.11 S, the identity check (11007: the answer is
 * `{ matched, bankReturnCode }`), and 11011 S, the status change an operator starts (its answer names the status the
 * bank took; the day's 11011 goes to `account_functions` as well).
 */
export class AccountIdentityAndStatusFunctions1732200000150 implements MigrationInterface {
  name = 'AccountIdentityAndStatusFunctions1732200000150';

  async up(runner: QueryRunner): Promise<void> {
    await runner.query(`ALTER TABLE account.custody_function_requests DROP CONSTRAINT custody_function_requests_function_check,
      ADD CONSTRAINT custody_function_requests_function_check CHECK (function IN ('QUERY_BANK_BALANCE', 'IDENTITY_CHECK', 'CHANGE_ACCOUNT_STATUS'))`);
    // One status change of a fund account awaits the bank at a time (RELATIONSHIP_CHANGING): looked up on every request.
    await runner.query(`CREATE INDEX custody_function_requests_pending ON account.custody_function_requests (fund_account_no, function) WHERE status = 'PENDING'`);
  }

  async down(runner: QueryRunner): Promise<void> {
    await runner.query(`DROP INDEX account.custody_function_requests_pending`);
    await runner.query(`DELETE FROM account.custody_function_requests WHERE function IN ('IDENTITY_CHECK', 'CHANGE_ACCOUNT_STATUS')`);
    await runner.query(`ALTER TABLE account.custody_function_requests DROP CONSTRAINT custody_function_requests_function_check,
      ADD CONSTRAINT custody_function_requests_function_check CHECK (function IN ('QUERY_BANK_BALANCE'))`);
  }
}
