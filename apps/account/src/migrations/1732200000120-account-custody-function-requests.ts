import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The account functions the broker starts at a bank on an existing relationship (F-3.10 first), one row per
 * request: what was asked, under which serial, and the answer once the saga and the ledger have applied it — kept
 * so a repeated `requestId` gets the first answer. The day's records of a function that changed a relationship go to
 * `account_functions` as well; a query changes none and is not listed in the day files.
 */
export class AccountCustodyFunctionRequests1732200000120 implements MigrationInterface {
  name = 'AccountCustodyFunctionRequests1732200000120';

  async up(runner: QueryRunner): Promise<void> {
    await runner.query(`CREATE TABLE account.custody_function_requests (
      id uuid PRIMARY KEY,
      function text NOT NULL CHECK (function IN ('QUERY_BANK_BALANCE')),
      relationship_id uuid NOT NULL REFERENCES account.custody_relationships (id),
      fund_account_no text NOT NULL,
      currency text NOT NULL,
      bank_code text NOT NULL,
      serial_no varchar(20) NOT NULL UNIQUE,
      status text NOT NULL CHECK (status IN ('PENDING', 'SUCCEEDED', 'FAILED')),
      -- The bank's answer a caller is given again on a repeat (F-3.10: the balances, as decimal strings).
      answer jsonb,
      bank_serial_no varchar(20),
      failure_code text,
      bank_return_code text,
      failure_message text,
      created_at timestamptz NOT NULL DEFAULT now(),
      updated_at timestamptz NOT NULL DEFAULT now(),
      CHECK ((status = 'FAILED') = (failure_code IS NOT NULL)))`);
    await runner.query(`CREATE INDEX custody_function_requests_relationship ON account.custody_function_requests (relationship_id, created_at)`);
  }

  async down(runner: QueryRunner): Promise<void> {
    await runner.query(`DROP TABLE account.custody_function_requests`);
  }
}
