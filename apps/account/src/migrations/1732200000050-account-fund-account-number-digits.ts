import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * A fund account number is 1–14 digits (bank-protocol.md §5), checked by the database as well as at the HTTP
 * edge, so no other path can open one the day files and PIN blocks cannot carry. NOT VALID: a development
 * database kept from before the rule (letters were allowed) still migrates; every new or changed row is checked.
 */
export class AccountFundAccountNumberDigits1732200000050 implements MigrationInterface {
  name = 'AccountFundAccountNumberDigits1732200000050';

  async up(runner: QueryRunner): Promise<void> {
    await runner.query(`ALTER TABLE account.fund_accounts
      ADD CONSTRAINT fund_accounts_fund_account_no_digits CHECK (fund_account_no ~ '^[0-9]{1,14}$') NOT VALID`);
  }

  async down(runner: QueryRunner): Promise<void> {
    await runner.query(`ALTER TABLE account.fund_accounts DROP CONSTRAINT fund_accounts_fund_account_no_digits`);
  }
}
