import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The account functions (账户类交易) that succeeded on a relationship, one row each, as the day files need them
 * (bank-protocol.md §5): CHK03 lists the functions of a bank's day D, CHK02 the relationships they touched with
 * their state at the end of D (`status_after` of the last function up to D, so a later function does not rewrite
 * D's file). A row per function rather than columns on the relationship: 11004, 11006 and 11010 add rows, not
 * columns, and a relationship's history (api.md) is these rows.
 *
 * Nothing is backfilled: a relationship designated before this migration has no recorded business date, bank
 * serial or opening balance, and guessing them would put invented records in a file sent to a bank. Its day
 * never had files (the day close did not exist); if its day is still open, the bank's record of it shows as a
 * `B` break for an operator.
 */
export class AccountFunctions1732200000070 implements MigrationInterface {
  name = 'AccountFunctions1732200000070';

  async up(runner: QueryRunner): Promise<void> {
    await runner.query(`CREATE TABLE account.account_functions (
      seq bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
      relationship_id uuid NOT NULL REFERENCES account.custody_relationships (id),
      bank_code text NOT NULL,
      business_date date NOT NULL,
      function_code char(5) NOT NULL CHECK (function_code IN ('11001', '11002', '11003', '11004', '11005', '11006', '11010', '11011')),
      initiator char(1) NOT NULL CHECK (initiator IN ('B', 'S')),
      broker_serial_no varchar(20),
      bank_serial_no varchar(20),
      custody_account_no text,
      bank_account_no text,
      amount numeric(20,2) CHECK (amount >= 0),
      status_after text NOT NULL CHECK (status_after IN ('PRE_DESIGNATED', 'DESIGNATED', 'CANCELLED')),
      occurred_at timestamptz NOT NULL DEFAULT now(),
      -- The initiator's serial is what the day files match the function by.
      CHECK ((initiator = 'S' AND broker_serial_no IS NOT NULL) OR (initiator = 'B' AND bank_serial_no IS NOT NULL)))`);
    await runner.query(`CREATE UNIQUE INDEX account_functions_broker_serial ON account.account_functions (broker_serial_no) WHERE initiator = 'S'`);
    await runner.query(`CREATE UNIQUE INDEX account_functions_bank_serial ON account.account_functions (bank_code, bank_serial_no) WHERE initiator = 'B'`);
    await runner.query(`CREATE INDEX account_functions_day ON account.account_functions (bank_code, business_date)`);
    await runner.query(`CREATE INDEX account_functions_relationship ON account.account_functions (relationship_id, business_date)`);
    // A relationship's designation still awaiting the bank, looked up per bank by the day files (SNAPSHOT_NOT_SETTLED).
    await runner.query(`CREATE INDEX custody_relationships_pending ON account.custody_relationships (bank_code, created_at) WHERE status = 'PENDING'`);
  }

  async down(runner: QueryRunner): Promise<void> {
    await runner.query(`DROP INDEX account.custody_relationships_pending`);
    await runner.query(`DROP TABLE account.account_functions`);
  }
}
