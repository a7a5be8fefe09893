import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * F-4.7 internal transfers (资金划转) between a customer's primary and auxiliary fund accounts, and the
 * inter-bank settlement instruction each implies: the ledger moves at once, the money between the two banks'
 * summary accounts moves with the day's settlement (domain.md §9), which reads the PENDING rows of its date.
 */
export class TransferInternalTransfers1732200000008 implements MigrationInterface {
  name = 'TransferInternalTransfers1732200000008';

  async up(runner: QueryRunner): Promise<void> {
    await runner.query(`ALTER TABLE transfer.transfers DROP CONSTRAINT transfers_type_check,
      ADD CONSTRAINT transfers_type_check CHECK (type IN ('BANK_TO_SECURITIES', 'SECURITIES_TO_BANK', 'INTERNAL')),
      ADD COLUMN counterpart_fund_account_no text,
      ADD CONSTRAINT transfers_internal_counterpart CHECK ((type = 'INTERNAL') = (counterpart_fund_account_no IS NOT NULL))`);
    await runner.query(`CREATE TABLE transfer.settlement_instructions (
      instruction_id uuid PRIMARY KEY,
      transfer_id uuid NOT NULL UNIQUE REFERENCES transfer.transfers (transfer_id),
      business_date date NOT NULL,
      currency char(3) NOT NULL,
      amount numeric(20,2) NOT NULL CHECK (amount > 0),
      from_bank_code text NOT NULL,
      from_summary_account text NOT NULL,
      to_bank_code text NOT NULL,
      to_summary_account text NOT NULL,
      status text NOT NULL DEFAULT 'PENDING' CHECK (status IN ('PENDING', 'SETTLED')),
      created_at timestamptz NOT NULL DEFAULT now(),
      CHECK (from_bank_code <> to_bank_code))`);
    await runner.query(`CREATE INDEX settlement_instructions_day ON transfer.settlement_instructions (business_date, status)`);
  }

  async down(runner: QueryRunner): Promise<void> {
    await runner.query(`DROP TABLE transfer.settlement_instructions`);
    await runner.query(`DELETE FROM transfer.transfers WHERE type = 'INTERNAL'`);
    await runner.query(`ALTER TABLE transfer.transfers DROP CONSTRAINT transfers_internal_counterpart, DROP COLUMN counterpart_fund_account_no,
      DROP CONSTRAINT transfers_type_check,
      ADD CONSTRAINT transfers_type_check CHECK (type IN ('BANK_TO_SECURITIES', 'SECURITIES_TO_BANK'))`);
  }
}
