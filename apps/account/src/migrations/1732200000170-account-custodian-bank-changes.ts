import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * F-3.6 S, the change of custodian bank, is a broker-started function on the relationship it moves: the check names
 * every function so far. What the change opens is a relationship of its own (`custody_relationships`), recorded with
 * the verdict; nothing else is kept.
 */
export class AccountCustodianBankChanges1732200000170 implements MigrationInterface {
  name = 'AccountCustodianBankChanges1732200000170';

  async up(runner: QueryRunner): Promise<void> {
    await runner.query(`ALTER TABLE account.custody_function_requests DROP CONSTRAINT custody_function_requests_function_check,
      ADD CONSTRAINT custody_function_requests_function_check
        CHECK (function IN ('QUERY_BANK_BALANCE', 'IDENTITY_CHECK', 'CHANGE_ACCOUNT_STATUS', 'CANCEL_DESIGNATION', 'CHANGE_BANK_ACCOUNT', 'CHANGE_CUSTOMER', 'CHANGE_CUSTODIAN_BANK'))`);
  }

  async down(runner: QueryRunner): Promise<void> {
    await runner.query(`DELETE FROM account.custody_function_requests WHERE function = 'CHANGE_CUSTODIAN_BANK'`);
    await runner.query(`ALTER TABLE account.custody_function_requests DROP CONSTRAINT custody_function_requests_function_check,
      ADD CONSTRAINT custody_function_requests_function_check
        CHECK (function IN ('QUERY_BANK_BALANCE', 'IDENTITY_CHECK', 'CHANGE_ACCOUNT_STATUS', 'CANCEL_DESIGNATION', 'CHANGE_BANK_ACCOUNT', 'CHANGE_CUSTOMER'))`);
  }
}
