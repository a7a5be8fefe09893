import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The broker's changes sent to its banks on existing relationships: F-3.4 S (11006, a relationship's bank
 * settlement account) and F-3.5 S (11005, the customer's data, to every bank holding a relationship of the customer).
 *
 * - `custody_function_requests` takes both functions (the check names every function so far). The pending requests
 *   are looked up by the index of 11007/11011 S (fund account, function).
 * - `customers.data_version` counts the changes of a customer's data (name, type, ID document, contact data), so that
 *   an 11005 answered after a newer change is followed by one carrying the newer data: one 11005 at a time goes to a
 *   bank for a fund account, and the last one it takes is the newest. Every existing customer starts at 0.
 * - `customer_data_propagations`: which version of the customer's data each 11005 carried.
 */
export class AccountChangesToBanks1732200000165 implements MigrationInterface {
  name = 'AccountChangesToBanks1732200000165';

  async up(runner: QueryRunner): Promise<void> {
    await runner.query(`ALTER TABLE account.custody_function_requests DROP CONSTRAINT custody_function_requests_function_check,
      ADD CONSTRAINT custody_function_requests_function_check CHECK (function IN ('QUERY_BANK_BALANCE', 'IDENTITY_CHECK', 'CHANGE_ACCOUNT_STATUS', 'CANCEL_DESIGNATION', 'CHANGE_BANK_ACCOUNT', 'CHANGE_CUSTOMER'))`);
    await runner.query(`ALTER TABLE account.customers ADD COLUMN data_version integer NOT NULL DEFAULT 0 CHECK (data_version >= 0)`);
    await runner.query(`CREATE TABLE account.customer_data_propagations (
      function_id uuid PRIMARY KEY REFERENCES account.custody_function_requests (id),
      customer_no text NOT NULL REFERENCES account.customers (customer_no),
      data_version integer NOT NULL CHECK (data_version >= 0))`);
    await runner.query(`CREATE INDEX customer_data_propagations_customer ON account.customer_data_propagations (customer_no)`);
  }

  async down(runner: QueryRunner): Promise<void> {
    await runner.query(`DROP TABLE account.customer_data_propagations`);
    await runner.query(`ALTER TABLE account.customers DROP COLUMN data_version`);
    await runner.query(`DELETE FROM account.custody_function_requests WHERE function IN ('CHANGE_BANK_ACCOUNT', 'CHANGE_CUSTOMER')`);
    await runner.query(`ALTER TABLE account.custody_function_requests DROP CONSTRAINT custody_function_requests_function_check,
      ADD CONSTRAINT custody_function_requests_function_check CHECK (function IN ('QUERY_BANK_BALANCE', 'IDENTITY_CHECK', 'CHANGE_ACCOUNT_STATUS', 'CANCEL_DESIGNATION'))`);
  }
}
