import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Reversals the bank asked of us (12003/12004, F-4.3 B / F-4.4 B), keyed by the reversal's own serial so
 * that a repeat gets its first answer. `cancelled_serial_no` is the bank serial of the original it
 * undoes: a row answered 0000 or 2005 bars that serial for ever (a late or re-sent original is refused
 * 2006), and at most one such row may exist per original, so no two reversals can both take effect.
 * An original that never arrived has no transfer row, hence `transfer_id` is nullable and the reversal
 * keeps what it said (account, currency, amount) itself.
 */
export class TransferBankReversals1732200000007 implements MigrationInterface {
  name = 'TransferBankReversals1732200000007';

  async up(runner: QueryRunner): Promise<void> {
    await runner.query(`CREATE TABLE transfer.bank_reversals (
      bank_code text NOT NULL,
      serial_no varchar(20) NOT NULL,
      function text NOT NULL CHECK (function IN ('REVERSE_BANK_TO_SECURITIES', 'REVERSE_SECURITIES_TO_BANK')),
      cancelled_serial_no varchar(20) NOT NULL,
      transfer_id uuid REFERENCES transfer.transfers (transfer_id),
      fund_account_no text NOT NULL,
      currency text NOT NULL,
      amount numeric(20,2) CHECK (amount > 0),
      bank_account_no text,
      return_code char(4) NOT NULL,
      reason text,
      our_serial_no varchar(20) NOT NULL UNIQUE,
      business_date date NOT NULL,
      created_at timestamptz NOT NULL DEFAULT now(),
      PRIMARY KEY (bank_code, serial_no))`);
    await runner.query(
      `CREATE UNIQUE INDEX bank_reversals_effective ON transfer.bank_reversals (bank_code, cancelled_serial_no) WHERE return_code IN ('0000', '2005')`,
    );
  }

  async down(runner: QueryRunner): Promise<void> {
    await runner.query(`DROP TABLE transfer.bank_reversals`);
  }
}
