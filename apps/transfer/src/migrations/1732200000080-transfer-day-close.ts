import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The close of a bank's day (bank-protocol.md §7 steps 3–7) at the transfer service:
 * - `bank_day_snapshots`: the transfers of (bank, D) the saga still held open when 13011 was answered. Kept per
 *   date (the day projection keeps only each bank's newest day), since the files of D are asked for after it.
 * - `ledger_accounts.customer_name`, `.branch_id`: what the day files say of a fund ledger (客户名称, 证券机构分支号),
 *   learned from `fund-account.opened`; null for accounts opened before the account service sent them.
 * - `adjustments`: the breaks' proposed adjustments, their approvals and what applying them did (api.md). At most
 *   one adjustment of a break is not REJECTED, so a break's money moves once.
 * - `transfers.resolved_by_adjustment`: the RESOLVE_UNKNOWN that ended an UNKNOWN transfer.
 */
export class TransferDayClose1732200000080 implements MigrationInterface {
  name = 'TransferDayClose1732200000080';

  async up(runner: QueryRunner): Promise<void> {
    await runner.query(`CREATE TABLE transfer.bank_day_snapshots (
      bank_code text NOT NULL,
      business_date date NOT NULL,
      unsettled_transfer_ids uuid[] NOT NULL,
      received_at timestamptz NOT NULL DEFAULT now(),
      PRIMARY KEY (bank_code, business_date))`);
    await runner.query(`ALTER TABLE transfer.ledger_accounts ADD COLUMN customer_name text, ADD COLUMN branch_id text`);
    await runner.query(`CREATE TABLE transfer.adjustments (
      adjustment_id uuid PRIMARY KEY,
      break_id uuid NOT NULL,
      bank_code text NOT NULL,
      business_date date NOT NULL,
      kind text NOT NULL CHECK (kind IN ('CREDIT', 'DEBIT', 'RESOLVE_UNKNOWN', 'MANUAL')),
      fund_account_no text NOT NULL,
      currency char(3) NOT NULL,
      amount numeric(20,2) CHECK (amount > 0),
      transfer_id uuid REFERENCES transfer.transfers (transfer_id),
      resolve_to text CHECK (resolve_to IN ('SUCCEEDED', 'FAILED')),
      reason text NOT NULL,
      status text NOT NULL CHECK (status IN ('PROPOSED', 'AWAITING_SECOND_APPROVAL', 'APPLIED', 'REJECTED')),
      approvals jsonb NOT NULL DEFAULT '[]',
      rejection jsonb,
      replaces uuid REFERENCES transfer.adjustments (adjustment_id),
      -- Deferred: a rejection names its replacement before inserting it (the break's live adjustment changes in between).
      replaced_by uuid REFERENCES transfer.adjustments (adjustment_id) DEFERRABLE INITIALLY DEFERRED,
      applied_on date,
      created_at timestamptz NOT NULL DEFAULT now(),
      updated_at timestamptz NOT NULL DEFAULT now(),
      CHECK (kind NOT IN ('CREDIT', 'DEBIT') OR (amount IS NOT NULL AND transfer_id IS NULL)),
      CHECK (kind <> 'RESOLVE_UNKNOWN' OR (transfer_id IS NOT NULL AND resolve_to IS NOT NULL AND amount IS NOT NULL)),
      CHECK ((status = 'APPLIED') = (applied_on IS NOT NULL)))`);
    await runner.query(`CREATE UNIQUE INDEX adjustments_break_live ON transfer.adjustments (break_id) WHERE status <> 'REJECTED'`);
    await runner.query(`ALTER TABLE transfer.transfers ADD COLUMN resolved_by_adjustment uuid REFERENCES transfer.adjustments (adjustment_id)`);
  }

  async down(runner: QueryRunner): Promise<void> {
    await runner.query(`ALTER TABLE transfer.transfers DROP COLUMN resolved_by_adjustment`);
    await runner.query(`DROP TABLE transfer.adjustments`);
    await runner.query(`ALTER TABLE transfer.ledger_accounts DROP COLUMN branch_id, DROP COLUMN customer_name`);
    await runner.query(`DROP TABLE transfer.bank_day_snapshots`);
  }
}
