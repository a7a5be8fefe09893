import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The reconciliation service's schema (docs/design.md "Reconciliation"): every day file sent or received with
 * its versions, the work the service does on them, both sides' records read from them, the breaks found and
 * the adjustments proposed for them, the 13010 result and the bank's own DIF verdict.
 */
export class ReconciliationInitial1732200000080 implements MigrationInterface {
  name = 'ReconciliationInitial1732200000080';

  async up(runner: QueryRunner): Promise<void> {
    // A file is keyed by (bank, name): names do not name the bank. A version is never changed once stored.
    await runner.query(`CREATE TABLE reconciliation.day_files (
      file_id uuid PRIMARY KEY,
      bank_code text NOT NULL,
      file_name text NOT NULL,
      version integer NOT NULL CHECK (version > 0),
      side char(1) NOT NULL CHECK (side IN ('S', 'B')),
      file_type text NOT NULL,
      business_date date NOT NULL,
      bus_code char(4) NOT NULL,
      file_len bigint NOT NULL CHECK (file_len >= 0),
      file_mac char(64) NOT NULL,
      file_time char(14) NOT NULL,
      stored_at timestamptz NOT NULL DEFAULT now(),
      UNIQUE (bank_code, file_name, version))`);
    await runner.query(`CREATE INDEX day_files_by_date ON reconciliation.day_files (business_date, bank_code)`);
    // The bytes, ≤ 1 MiB a row; the header row is written last, once length and FileMac were checked.
    await runner.query(`CREATE TABLE reconciliation.day_file_chunks (
      file_id uuid NOT NULL REFERENCES reconciliation.day_files (file_id) DEFERRABLE INITIALLY DEFERRED,
      seq integer NOT NULL,
      start_pos bigint NOT NULL,
      data bytea NOT NULL,
      PRIMARY KEY (file_id, seq))`);
    // gzip does not compress again: TOAST would only spend CPU trying.
    await runner.query(`ALTER TABLE reconciliation.day_file_chunks ALTER COLUMN data SET STORAGE EXTERNAL`);

    // Work the service does in the background, run once to its end across crashes (jobs/job-worker.ts).
    await runner.query(`CREATE TABLE reconciliation.jobs (
      job_id uuid PRIMARY KEY,
      kind text NOT NULL CHECK (kind IN ('BROKER_FILES', 'READ_BANK_FILE', 'COMPARE')),
      bank_code text NOT NULL,
      business_date date NOT NULL,
      subject text NOT NULL,
      status text NOT NULL DEFAULT 'PENDING' CHECK (status IN ('PENDING', 'DONE')),
      attempts integer NOT NULL DEFAULT 0,
      next_attempt_at timestamptz NOT NULL DEFAULT now(),
      last_error text,
      progress jsonb NOT NULL DEFAULT '{}',
      created_at timestamptz NOT NULL DEFAULT now(),
      done_at timestamptz,
      UNIQUE (kind, bank_code, business_date, subject))`);
    await runner.query(`CREATE INDEX jobs_due ON reconciliation.jobs (next_attempt_at) WHERE status = 'PENDING'`);

    // A file version read into the comparison (or refused); the newest of (bank, date, side, type) counts.
    await runner.query(`CREATE TABLE reconciliation.file_loads (
      load_id bigserial PRIMARY KEY,
      file_id uuid NOT NULL REFERENCES reconciliation.day_files (file_id),
      bank_code text NOT NULL,
      business_date date NOT NULL,
      side char(1) NOT NULL CHECK (side IN ('S', 'B')),
      file_type text NOT NULL,
      status text NOT NULL CHECK (status IN ('LOADED', 'FAILED')),
      records bigint NOT NULL DEFAULT 0,
      error text,
      loaded_at timestamptz NOT NULL DEFAULT now())`);
    await runner.query(`CREATE INDEX file_loads_current ON reconciliation.file_loads (bank_code, business_date, side, file_type, load_id DESC)`);
    // One CHK01–03 record of one side: its match key and compared fields (bank-protocol.md §5). The whole
    // record is read again from the file only for the few that break.
    await runner.query(`CREATE TABLE reconciliation.check_records (
      load_id bigint NOT NULL,
      match_key text NOT NULL,
      line_no integer NOT NULL,
      bank_account_no text,
      fund_account_no text,
      function_code text,
      currency text,
      amount numeric(20,2),
      status text,
      PRIMARY KEY (load_id, match_key))`);
    // The records the bank's DIF01–03 name, for bankDifMatches.
    await runner.query(`CREATE TABLE reconciliation.dif_records (
      load_id bigint NOT NULL,
      line_no integer NOT NULL,
      check_file text NOT NULL,
      reason char(1) NOT NULL,
      match_key text NOT NULL,
      PRIMARY KEY (load_id, line_no))`);
    // The transfer service's UNKNOWN transfers at the snapshot (13011), each as CHK01 would list it.
    await runner.query(`CREATE TABLE reconciliation.snapshot_unknowns (
      bank_code text NOT NULL,
      business_date date NOT NULL,
      transfer_id uuid NOT NULL,
      match_key text NOT NULL,
      record jsonb NOT NULL,
      PRIMARY KEY (bank_code, business_date, transfer_id),
      UNIQUE (bank_code, business_date, match_key))`);

    await runner.query(`CREATE TABLE reconciliation.broker_steps (
      bank_code text NOT NULL,
      business_date date NOT NULL,
      step text NOT NULL CHECK (step IN ('DETAIL', 'BALANCE')),
      files jsonb NOT NULL,
      summary jsonb,
      ready_at timestamptz NOT NULL DEFAULT now(),
      PRIMARY KEY (bank_code, business_date, step))`);
    await runner.query(`CREATE TABLE reconciliation.comparisons (
      bank_code text NOT NULL,
      business_date date NOT NULL,
      matched bigint NOT NULL,
      loads jsonb NOT NULL,
      compared_at timestamptz NOT NULL DEFAULT now(),
      PRIMARY KEY (bank_code, business_date))`);
    await runner.query(`CREATE TABLE reconciliation.dif_checks (
      bank_code text NOT NULL,
      business_date date NOT NULL,
      matches boolean NOT NULL,
      disagreements bigint NOT NULL,
      loads jsonb NOT NULL,
      checked_at timestamptz NOT NULL DEFAULT now(),
      PRIMARY KEY (bank_code, business_date))`);
    await runner.query(`CREATE TABLE reconciliation.summary_checks (
      bank_code text NOT NULL,
      business_date date NOT NULL,
      result text NOT NULL CHECK (result IN ('MATCHED', 'MISMATCHED')),
      check_return_code char(4) NOT NULL,
      broker jsonb NOT NULL,
      bank jsonb,
      checked_at timestamptz NOT NULL DEFAULT now(),
      PRIMARY KEY (bank_code, business_date))`);

    // A break of a bank's day: a file record one side lacks or that differs (file set), or an operator case
    // from the transfer flows (file null, cause set). `in_files`: the break names a record of a CHK file, so
    // the bank's DIF files can name it too.
    await runner.query(`CREATE TABLE reconciliation.breaks (
      break_id uuid PRIMARY KEY,
      seq bigserial NOT NULL UNIQUE,
      bank_code text NOT NULL,
      business_date date NOT NULL,
      stage text NOT NULL CHECK (stage IN ('DETAIL', 'BALANCE')),
      file text CHECK (file IN ('CHK01', 'CHK02', 'CHK03', 'CHK04')),
      reason char(1) CHECK (reason IN ('B', 'S', 'X')),
      match_key text,
      initiator char(1),
      serial_no text,
      fund_account_no text NOT NULL,
      currency char(3) NOT NULL,
      differing_fields text[] NOT NULL DEFAULT '{}',
      broker jsonb,
      bank jsonb,
      in_files boolean NOT NULL,
      case_id uuid UNIQUE,
      cause text,
      description text,
      status text NOT NULL DEFAULT 'OPEN' CHECK (status IN ('OPEN', 'RESOLVED')),
      found_at timestamptz NOT NULL DEFAULT now(),
      resolved_at timestamptz,
      CHECK ((file IS NULL) = (case_id IS NOT NULL)))`);
    await runner.query(`CREATE UNIQUE INDEX breaks_one_per_record ON reconciliation.breaks (bank_code, business_date, file, match_key) WHERE file IS NOT NULL`);
    await runner.query(`CREATE INDEX breaks_by_day ON reconciliation.breaks (business_date, bank_code, seq)`);
    await runner.query(`CREATE INDEX breaks_open ON reconciliation.breaks (bank_code, business_date, stage) WHERE status = 'OPEN'`);

    // What the transfer service decides about each proposal, as its adjustment.changed events tell it.
    await runner.query(`CREATE TABLE reconciliation.adjustments (
      adjustment_id uuid PRIMARY KEY,
      break_id uuid NOT NULL REFERENCES reconciliation.breaks (break_id),
      kind text NOT NULL CHECK (kind IN ('CREDIT', 'DEBIT', 'RESOLVE_UNKNOWN', 'MANUAL')),
      fund_account_no text NOT NULL,
      currency char(3) NOT NULL,
      amount numeric(20,2),
      transfer_id uuid,
      resolve_to text CHECK (resolve_to IN ('SUCCEEDED', 'FAILED')),
      reason text NOT NULL,
      status text NOT NULL CHECK (status IN ('PROPOSED', 'AWAITING_SECOND_APPROVAL', 'APPLIED', 'REJECTED')),
      approvals jsonb NOT NULL DEFAULT '[]',
      replaced_by uuid,
      applied_on date,
      proposed_at timestamptz NOT NULL DEFAULT now(),
      updated_at timestamptz NOT NULL DEFAULT now())`);
    await runner.query(`CREATE INDEX adjustments_by_break ON reconciliation.adjustments (break_id, proposed_at)`);
  }

  async down(runner: QueryRunner): Promise<void> {
    for (const table of ['adjustments', 'breaks', 'summary_checks', 'dif_checks', 'comparisons', 'broker_steps', 'snapshot_unknowns', 'dif_records', 'check_records', 'file_loads', 'jobs', 'day_file_chunks', 'day_files']) {
      await runner.query(`DROP TABLE reconciliation.${table}`);
    }
  }
}
