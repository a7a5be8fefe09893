import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * F-3.3 B (11001) and 11010 B: the opening balance given to the bank for each relationship it opened, one row per
 * relationship (account's id). It is what a repeat of the bank's request is answered with again, whatever the ledger
 * holds by then (bank-protocol.md §4: a repeat gets the first reply).
 */
export class TransferBankOpenings1732200000131 implements MigrationInterface {
  name = 'TransferBankOpenings1732200000131';

  async up(runner: QueryRunner): Promise<void> {
    await runner.query(`CREATE TABLE transfer.bank_openings (
      relationship_id uuid PRIMARY KEY,
      bank_code text NOT NULL,
      fund_account_no text NOT NULL,
      currency char(3) NOT NULL,
      opening_balance numeric(20,2) NOT NULL CHECK (opening_balance >= 0),
      linked_at timestamptz NOT NULL DEFAULT now(),
      FOREIGN KEY (fund_account_no, currency) REFERENCES transfer.ledger_accounts (fund_account_no, currency))`);
  }

  async down(runner: QueryRunner): Promise<void> {
    await runner.query(`DROP TABLE transfer.bank_openings`);
  }
}
