import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * A fund account number may hold several currencies (api.md: `POST /v1/fund-accounts` with the same number and another
 * currency opens that currency, same customer, role and branch; bank-protocol.md §4.1 11010): a fund account is a row
 * per (number, currency), each with its own ledger and relationship.
 *
 * - The key becomes (fund_account_no, currency); a relationship references the fund account in its own currency (it
 *   always had that currency: designations refused any other).
 * - A primary change names fund account numbers, every currency of one, which are no key of their own any more: its
 *   references go (the service writes them from rows it has just read under the customer's lock).
 * - One primary per customer (domain.md §13) is a number: every currency of it is PRIMARY. The index can hold one
 *   PRIMARY row per customer and currency; that they are one number is the service's check under the customer's lock
 *   (`assertOpeningAllowed`, PRIMARY_EXISTS), as before the index was only its backstop.
 * - An 11011 the bank starts changes every currency designated at the bank and records one function per relationship
 *   under the bank's one serial: a bank serial is unique per relationship.
 *
 * `down` fails while a number holds two currencies: such accounts cannot be put back into one row each.
 */
export class AccountFundAccountCurrencies1732200000132 implements MigrationInterface {
  name = 'AccountFundAccountCurrencies1732200000132';

  async up(runner: QueryRunner): Promise<void> {
    await runner.query(`ALTER TABLE account.custody_relationships DROP CONSTRAINT custody_relationships_fund_account_no_fkey`);
    await runner.query(`ALTER TABLE account.primary_changes DROP CONSTRAINT primary_changes_fund_account_no_fkey`);
    await runner.query(`ALTER TABLE account.primary_changes DROP CONSTRAINT primary_changes_previous_primary_fund_account_no_fkey`);
    await runner.query(`ALTER TABLE account.fund_accounts DROP CONSTRAINT fund_accounts_pkey`);
    await runner.query(`ALTER TABLE account.fund_accounts ADD CONSTRAINT fund_accounts_pkey PRIMARY KEY (fund_account_no, currency)`);
    await runner.query(`ALTER TABLE account.custody_relationships ADD CONSTRAINT custody_relationships_fund_account_fkey
      FOREIGN KEY (fund_account_no, currency) REFERENCES account.fund_accounts (fund_account_no, currency)`);
    await runner.query(`DROP INDEX account.fund_accounts_one_primary`);
    await runner.query(`CREATE UNIQUE INDEX fund_accounts_one_primary ON account.fund_accounts (customer_no, currency) WHERE role = 'PRIMARY'`);
    await runner.query(`DROP INDEX account.account_functions_bank_serial`);
    await runner.query(`CREATE UNIQUE INDEX account_functions_bank_serial ON account.account_functions (bank_code, bank_serial_no, relationship_id) WHERE initiator = 'B'`);
  }

  async down(runner: QueryRunner): Promise<void> {
    await runner.query(`DROP INDEX account.account_functions_bank_serial`);
    await runner.query(`CREATE UNIQUE INDEX account_functions_bank_serial ON account.account_functions (bank_code, bank_serial_no) WHERE initiator = 'B'`);
    await runner.query(`DROP INDEX account.fund_accounts_one_primary`);
    await runner.query(`CREATE UNIQUE INDEX fund_accounts_one_primary ON account.fund_accounts (customer_no) WHERE role = 'PRIMARY'`);
    await runner.query(`ALTER TABLE account.custody_relationships DROP CONSTRAINT custody_relationships_fund_account_fkey`);
    await runner.query(`ALTER TABLE account.fund_accounts DROP CONSTRAINT fund_accounts_pkey`);
    await runner.query(`ALTER TABLE account.fund_accounts ADD CONSTRAINT fund_accounts_pkey PRIMARY KEY (fund_account_no)`);
    await runner.query(`ALTER TABLE account.custody_relationships ADD CONSTRAINT custody_relationships_fund_account_no_fkey
      FOREIGN KEY (fund_account_no) REFERENCES account.fund_accounts (fund_account_no)`);
    await runner.query(`ALTER TABLE account.primary_changes ADD CONSTRAINT primary_changes_fund_account_no_fkey
      FOREIGN KEY (fund_account_no) REFERENCES account.fund_accounts (fund_account_no)`);
    await runner.query(`ALTER TABLE account.primary_changes ADD CONSTRAINT primary_changes_previous_primary_fund_account_no_fkey
      FOREIGN KEY (previous_primary_fund_account_no) REFERENCES account.fund_accounts (fund_account_no)`);
  }
}
