import type { MigrationInterface, QueryRunner } from 'typeorm';

export class TransferInitial1732200000002 implements MigrationInterface {
  name = 'TransferInitial1732200000002';

  async up(runner: QueryRunner): Promise<void> {
    // The fund ledger (客户证券资金台账) per fund account and currency. `held` is the sum of active holds;
    // the CHECKs make overdrawing (I7) impossible even if a rule above were wrong.
    await runner.query(`CREATE TABLE transfer.ledger_accounts (
      fund_account_no text NOT NULL,
      currency char(3) NOT NULL,
      customer_no text NOT NULL,
      role text NOT NULL,
      balance numeric(20,2) NOT NULL DEFAULT 0,
      held numeric(20,2) NOT NULL DEFAULT 0 CHECK (held >= 0),
      bank_code text,
      bank_account_no text,
      custody_status text NOT NULL DEFAULT 'NONE',
      updated_at timestamptz NOT NULL DEFAULT now(),
      PRIMARY KEY (fund_account_no, currency),
      CHECK (balance >= held))`);
    await runner.query(`CREATE TABLE transfer.holds (
      hold_id uuid PRIMARY KEY,
      fund_account_no text NOT NULL,
      currency char(3) NOT NULL,
      amount numeric(20,2) NOT NULL CHECK (amount > 0),
      kind text NOT NULL CHECK (kind IN ('TRADING', 'WITHDRAWAL')),
      reason text NOT NULL,
      status text NOT NULL CHECK (status IN ('ACTIVE', 'RELEASED', 'CONSUMED')),
      created_at timestamptz NOT NULL DEFAULT now(),
      updated_at timestamptz NOT NULL DEFAULT now(),
      FOREIGN KEY (fund_account_no, currency) REFERENCES transfer.ledger_accounts (fund_account_no, currency))`);
    await runner.query(`CREATE TABLE transfer.transfers (
      transfer_id uuid PRIMARY KEY,
      type text NOT NULL CHECK (type IN ('BANK_TO_SECURITIES', 'SECURITIES_TO_BANK')),
      initiator char(1) NOT NULL CHECK (initiator IN ('B', 'S')),
      serial_no varchar(20) NOT NULL,
      our_serial_no varchar(20) NOT NULL UNIQUE,
      bank_serial_no varchar(20),
      bank_code text NOT NULL,
      fund_account_no text NOT NULL,
      currency char(3) NOT NULL,
      amount numeric(20,2) NOT NULL CHECK (amount > 0),
      status text NOT NULL CHECK (status IN ('PENDING', 'SUCCEEDED', 'FAILED', 'UNKNOWN', 'REVERSED')),
      failure_code text, bank_return_code char(4), failure_message text,
      hold_id uuid REFERENCES transfer.holds (hold_id),
      attempts text[] NOT NULL DEFAULT '{}',
      business_date date NOT NULL,
      created_at timestamptz NOT NULL DEFAULT now(),
      updated_at timestamptz NOT NULL DEFAULT now(),
      unknown_since timestamptz)`);
    // I6: a serial takes effect at most once per initiator and bank.
    await runner.query(`CREATE UNIQUE INDEX transfers_serial ON transfer.transfers (initiator, bank_code, serial_no)`);
    await runner.query(`CREATE INDEX transfers_account ON transfer.transfers (fund_account_no, business_date)`);
    await runner.query(`CREATE INDEX transfers_open ON transfer.transfers (status) WHERE status IN ('PENDING', 'UNKNOWN')`);
    // Double-entry journal (I5): every posting's lines sum to zero; a customer's balance is the sum of its lines.
    await runner.query(`CREATE TABLE transfer.journal_lines (
      line_id bigserial PRIMARY KEY,
      posting_id uuid NOT NULL,
      account text NOT NULL,
      fund_account_no text,
      currency char(3) NOT NULL,
      amount numeric(20,2) NOT NULL,
      source text NOT NULL,
      source_id text NOT NULL,
      business_date date NOT NULL,
      created_at timestamptz NOT NULL DEFAULT now())`);
    await runner.query(`CREATE INDEX journal_lines_account ON transfer.journal_lines (fund_account_no, currency, business_date)`);
    await runner.query(`CREATE INDEX journal_lines_posting ON transfer.journal_lines (posting_id)`);
    await runner.query(`CREATE SEQUENCE transfer.serial_seq`);
  }

  async down(runner: QueryRunner): Promise<void> {
    await runner.query(`DROP SEQUENCE transfer.serial_seq`);
    await runner.query(`DROP TABLE transfer.journal_lines`);
    await runner.query(`DROP TABLE transfer.transfers`);
    await runner.query(`DROP TABLE transfer.holds`);
    await runner.query(`DROP TABLE transfer.ledger_accounts`);
  }
}
