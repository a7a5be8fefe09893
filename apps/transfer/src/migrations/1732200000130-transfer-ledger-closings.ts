import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * A fund ledger closed while its bank decides on the relationship (domain.md F-3.8; F-3.6 next): `ledger_closings`
 * has one row per function that asked, keyed by the function's id, so a repeated request gets its first decision —
 * CLOSED (with the balance it closed at), REFUSED (the rule and why), later REOPENED (the bank refused: the saga's
 * compensation) or ENDED (the function took effect: the ledger is cancelled). `ledger_accounts.closed_for` names the
 * function holding the ledger closed: read under the ledger's row lock with everything else a transfer or hold
 * checks, it costs them no statement. Every existing ledger is open. A refusal is kept even for a ledger this
 * service has not learned of yet (no foreign key to `ledger_accounts`): a repeated request must not close a ledger
 * whose function was refused.
 */
export class TransferLedgerClosings1732200000130 implements MigrationInterface {
  name = 'TransferLedgerClosings1732200000130';

  async up(runner: QueryRunner): Promise<void> {
    await runner.query(`CREATE TABLE transfer.ledger_closings (
      function_id uuid PRIMARY KEY,
      fund_account_no text NOT NULL,
      currency char(3) NOT NULL,
      bank_code text NOT NULL,
      purpose text NOT NULL CHECK (purpose IN ('CANCELLATION')),
      status text NOT NULL CHECK (status IN ('CLOSED', 'REFUSED', 'REOPENED', 'ENDED')),
      -- What the ledger held when it closed: what leaves the custody account (0.00 for a cancellation).
      balance numeric(20,2),
      refusal_code text,
      refusal_message text,
      created_at timestamptz NOT NULL DEFAULT now(),
      updated_at timestamptz NOT NULL DEFAULT now(),
      CHECK ((status = 'REFUSED') = (refusal_code IS NOT NULL)),
      CHECK ((status = 'REFUSED') = (balance IS NULL)))`);
    await runner.query(`ALTER TABLE transfer.ledger_accounts ADD COLUMN closed_for uuid REFERENCES transfer.ledger_closings (function_id)`);
  }

  async down(runner: QueryRunner): Promise<void> {
    await runner.query(`ALTER TABLE transfer.ledger_accounts DROP COLUMN closed_for`);
    await runner.query(`DROP TABLE transfer.ledger_closings`);
  }
}
