import type { MigrationInterface, QueryRunner } from 'typeorm';

const KINDS = `'DESIGNATION', 'TRANSFER', 'DAY', 'BANK_BALANCE_QUERY', 'IDENTITY_CHECK', 'STATUS_CHANGE', 'CUSTODY_CANCELLATION', 'BANK_ACCOUNT_CHANGE', 'CUSTOMER_DATA_CHANGE'`;
const PURPOSES = `'ORIGINAL', 'RESEND', 'QUERY', 'REVERSAL', 'DAY_START', 'DAY_END', 'SUMMARY_CHECK'`;
/** F-3.6's calls: the 11004 at the old bank, the 11001 at the new one and the 11002 restoring the old, each sent again. */
const BANK_CHANGE_PURPOSES = `'CLOSE_AT_OLD', 'CLOSE_AT_OLD_RESEND', 'OPEN_AT_NEW', 'OPEN_AT_NEW_RESEND', 'RESTORE_AT_OLD', 'RESTORE_AT_OLD_RESEND'`;

/**
 * F-3.6 S, the change of custodian bank, is a saga of its own kind, whose calls go to two banks, each call named by its
 * purpose (custodian-bank-change-decisions.ts).
 */
export class SagaCustodianBankChanges1732200000170 implements MigrationInterface {
  name = 'SagaCustodianBankChanges1732200000170';

  async up(runner: QueryRunner): Promise<void> {
    await runner.query(`ALTER TABLE saga.sagas DROP CONSTRAINT sagas_kind_check, ADD CONSTRAINT sagas_kind_check CHECK (kind IN (${KINDS}, 'CUSTODIAN_BANK_CHANGE'))`);
    await runner.query(`ALTER TABLE saga.bank_calls DROP CONSTRAINT bank_calls_purpose_check,
      ADD CONSTRAINT bank_calls_purpose_check CHECK (purpose IN (${PURPOSES}, ${BANK_CHANGE_PURPOSES}))`);
  }

  async down(runner: QueryRunner): Promise<void> {
    await runner.query(`DELETE FROM saga.timers WHERE saga_id IN (SELECT saga_id FROM saga.sagas WHERE kind = 'CUSTODIAN_BANK_CHANGE')`);
    await runner.query(`UPDATE saga.sagas SET current_call_id = NULL WHERE kind = 'CUSTODIAN_BANK_CHANGE'`);
    await runner.query(`DELETE FROM saga.bank_calls WHERE purpose IN (${BANK_CHANGE_PURPOSES})`);
    await runner.query(`DELETE FROM saga.sagas WHERE kind = 'CUSTODIAN_BANK_CHANGE'`);
    await runner.query(`ALTER TABLE saga.bank_calls DROP CONSTRAINT bank_calls_purpose_check, ADD CONSTRAINT bank_calls_purpose_check CHECK (purpose IN (${PURPOSES}))`);
    await runner.query(`ALTER TABLE saga.sagas DROP CONSTRAINT sagas_kind_check, ADD CONSTRAINT sagas_kind_check CHECK (kind IN (${KINDS}))`);
  }
}
