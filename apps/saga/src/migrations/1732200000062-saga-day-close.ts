import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The close of each bank's day after 13011 (bank-protocol.md §7 steps 4–7): where it stands, persisted, so a
 * crash resumes at the step it was on. One row per bank and date, created when 13011 is answered. The step's
 * inputs (the broker's files, the 13010 figures, the bank's files held) and its outputs (the comparison's open
 * breaks) are kept beside it; `*_step_id` names the file step with the adapter the saga waits for, so the
 * completion of an earlier attempt is recognised as stale.
 */
export class SagaDayClose1732200000062 implements MigrationInterface {
  name = 'SagaDayClose1732200000062';

  async up(runner: QueryRunner): Promise<void> {
    await runner.query(`CREATE TABLE saga.day_closes (
      bank_code text NOT NULL,
      business_date date NOT NULL,
      step text NOT NULL CHECK (step IN ('BROKER_FILES', 'SUMMARY_CHECK', 'SEND_DETAIL', 'AWAIT_DETAIL', 'BALANCE_FILES', 'SEND_BALANCE', 'AWAIT_DIF04', 'DONE')),
      detail_files text[],
      summary jsonb,
      summary_attempts integer NOT NULL DEFAULT 0,
      balance_files text[],
      send_step_id uuid,
      fetch_step_id uuid,
      detail_compared boolean NOT NULL DEFAULT false,
      detail_open_breaks integer NOT NULL DEFAULT 0,
      balance_compared boolean NOT NULL DEFAULT false,
      balance_open_breaks integer NOT NULL DEFAULT 0,
      -- Why the close is stuck and waits for a retry or an operator (a file step the bank kept refusing, …).
      stalled_reason text,
      updated_at timestamptz NOT NULL DEFAULT now(),
      PRIMARY KEY (bank_code, business_date))`);
    // The bank's files of a date held by the reconciliation service, as `bank.files-received` announced them:
    // they may come before the saga has taken 13011's answer, so they are kept apart from the close's row.
    await runner.query(`CREATE TABLE saga.bank_files_held (
      bank_code text NOT NULL,
      business_date date NOT NULL,
      file_name text NOT NULL,
      received_at timestamptz NOT NULL DEFAULT now(),
      PRIMARY KEY (bank_code, business_date, file_name))`);
    await runner.query(`ALTER TABLE saga.bank_calls DROP CONSTRAINT bank_calls_purpose_check,
      ADD CONSTRAINT bank_calls_purpose_check CHECK (purpose IN ('ORIGINAL', 'RESEND', 'QUERY', 'REVERSAL', 'DAY_START', 'DAY_END', 'SUMMARY_CHECK'))`);
  }

  async down(runner: QueryRunner): Promise<void> {
    await runner.query(`DELETE FROM saga.bank_calls WHERE purpose = 'SUMMARY_CHECK'`);
    await runner.query(`ALTER TABLE saga.bank_calls DROP CONSTRAINT bank_calls_purpose_check,
      ADD CONSTRAINT bank_calls_purpose_check CHECK (purpose IN ('ORIGINAL', 'RESEND', 'QUERY', 'REVERSAL', 'DAY_START', 'DAY_END'))`);
    await runner.query(`DROP TABLE saga.bank_files_held`);
    await runner.query(`DROP TABLE saga.day_closes`);
  }
}
