import type { MigrationInterface, QueryRunner } from 'typeorm';

export class AccountInitial1732200000001 implements MigrationInterface {
  name = 'AccountInitial1732200000001';

  async up(runner: QueryRunner): Promise<void> {
    await runner.query(`CREATE TABLE account.customers (
      customer_no text PRIMARY KEY,
      name text NOT NULL,
      type text NOT NULL CHECK (type IN ('INDIVIDUAL', 'INSTITUTION')),
      id_type char(2) NOT NULL,
      id_number_sealed text NOT NULL,
      id_number_tail text NOT NULL,
      phone text, address text, email text,
      fund_password_hash text,
      created_at timestamptz NOT NULL DEFAULT now(),
      updated_at timestamptz NOT NULL DEFAULT now())`);
    await runner.query(`CREATE TABLE account.fund_accounts (
      fund_account_no text PRIMARY KEY,
      customer_no text NOT NULL REFERENCES account.customers (customer_no),
      currency char(3) NOT NULL CHECK (currency IN ('CNY', 'USD', 'HKD')),
      role text NOT NULL CHECK (role IN ('PRIMARY', 'AUXILIARY')),
      branch_id text NOT NULL,
      created_at timestamptz NOT NULL DEFAULT now())`);
    await runner.query(`CREATE INDEX fund_accounts_customer ON account.fund_accounts (customer_no)`);
    // domain.md §13: exactly one primary fund account per customer.
    await runner.query(`CREATE UNIQUE INDEX fund_accounts_one_primary ON account.fund_accounts (customer_no) WHERE role = 'PRIMARY'`);
    await runner.query(`CREATE TABLE account.custody_relationships (
      id uuid PRIMARY KEY,
      fund_account_no text NOT NULL REFERENCES account.fund_accounts (fund_account_no),
      currency char(3) NOT NULL,
      bank_code text NOT NULL,
      bank_account_no text,
      custody_account_no text,
      status text NOT NULL CHECK (status IN ('PENDING', 'PRE_DESIGNATED', 'DESIGNATED', 'CANCELLED', 'FAILED')),
      serial_no varchar(20) NOT NULL UNIQUE,
      failure_code text, bank_return_code char(4), failure_message text,
      created_at timestamptz NOT NULL DEFAULT now(),
      updated_at timestamptz NOT NULL DEFAULT now())`);
    // I2: at most one live relationship per fund account and currency.
    await runner.query(`CREATE UNIQUE INDEX custody_one_active ON account.custody_relationships (fund_account_no, currency)
      WHERE status IN ('PENDING', 'PRE_DESIGNATED', 'DESIGNATED')`);
    // Serials: business date + source digit + sequence (bank-protocol.md §1, at most 20 characters).
    await runner.query(`CREATE SEQUENCE account.serial_seq`);
  }

  async down(runner: QueryRunner): Promise<void> {
    await runner.query(`DROP SEQUENCE account.serial_seq`);
    await runner.query(`DROP TABLE account.custody_relationships`);
    await runner.query(`DROP TABLE account.fund_accounts`);
    await runner.query(`DROP TABLE account.customers`);
  }
}
