import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * F-3.6, the change of custodian bank:
 * - a ledger closes for it (`ledger_closings.purpose` BANK_CHANGE) with its balance, which leaves the old bank;
 * - the balance that left the old bank's summary account for the new one's is a settlement instruction of the day, as
 *   an internal transfer's is: `settlement_instructions` names what it comes from, a transfer or the change's request
 *   (`function_id`, one instruction per change), exactly one of the two.
 */
export class TransferBankChanges1732200000170 implements MigrationInterface {
  name = 'TransferBankChanges1732200000170';

  async up(runner: QueryRunner): Promise<void> {
    await runner.query(`ALTER TABLE transfer.ledger_closings DROP CONSTRAINT ledger_closings_purpose_check,
      ADD CONSTRAINT ledger_closings_purpose_check CHECK (purpose IN ('CANCELLATION', 'BANK_CHANGE'))`);
    await runner.query(`ALTER TABLE transfer.settlement_instructions ALTER COLUMN transfer_id DROP NOT NULL,
      ADD COLUMN function_id uuid UNIQUE REFERENCES transfer.ledger_closings (function_id),
      ADD CONSTRAINT settlement_instructions_source CHECK (num_nonnulls(transfer_id, function_id) = 1)`);
  }

  async down(runner: QueryRunner): Promise<void> {
    await runner.query(`DELETE FROM transfer.settlement_instructions WHERE function_id IS NOT NULL`);
    await runner.query(`ALTER TABLE transfer.settlement_instructions DROP CONSTRAINT settlement_instructions_source, DROP COLUMN function_id,
      ALTER COLUMN transfer_id SET NOT NULL`);
    await runner.query(`DELETE FROM transfer.ledger_closings WHERE purpose = 'BANK_CHANGE'`);
    await runner.query(`ALTER TABLE transfer.ledger_closings DROP CONSTRAINT ledger_closings_purpose_check,
      ADD CONSTRAINT ledger_closings_purpose_check CHECK (purpose IN ('CANCELLATION'))`);
  }
}
