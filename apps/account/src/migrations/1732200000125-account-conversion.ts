import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Customer conversion (domain.md §12):
 * - F-12.2.2 batch pre-designation: a batch per uploaded file and a row per line, the work a worker takes (PENDING),
 *   what is with the bank (SUBMITTED, naming the relationship) and each line's result, so a crash of the service
 *   mid-batch loses nothing and the next worker goes on from the rows;
 * - F-12.3 the DORMANT flag beside the relationship's state (`dormant_since`, domain.md §3), the operators' markings
 *   and one check row per relationship a marking asked the transfer service about.
 * Nothing existing changes: every relationship starts awake.
 */
export class AccountConversion1732200000125 implements MigrationInterface {
  name = 'AccountConversion1732200000125';

  async up(runner: QueryRunner): Promise<void> {
    await runner.query(`CREATE TABLE account.conversion_batches (
      batch_id uuid PRIMARY KEY,
      file_name text,
      file_digest char(64) NOT NULL,
      format text NOT NULL CHECK (format IN ('CSV', 'NDJSON')),
      line_count integer NOT NULL,
      uploaded_by text NOT NULL,
      created_at timestamptz NOT NULL DEFAULT now())`);
    // The earlier runs of the same file, for a re-run's `rerunOf`.
    await runner.query(`CREATE INDEX conversion_batches_file ON account.conversion_batches (file_digest, created_at)`);
    await runner.query(`CREATE TABLE account.conversion_lines (
      batch_id uuid NOT NULL REFERENCES account.conversion_batches (batch_id),
      line_no integer NOT NULL,
      request_id varchar(64),
      fund_account_no text,
      currency char(3),
      bank_code text,
      state text NOT NULL CHECK (state IN ('PENDING', 'SUBMITTED', 'PRE_DESIGNATED', 'FAILED', 'REFUSED')),
      relationship_id uuid REFERENCES account.custody_relationships (id),
      failure_code text,
      bank_return_code char(4),
      failure_message text,
      -- Tries that failed for no domain reason (not a refusal); the line is refused INTERNAL after a few.
      attempts integer NOT NULL DEFAULT 0,
      updated_at timestamptz NOT NULL DEFAULT now(),
      PRIMARY KEY (batch_id, line_no),
      CHECK (state NOT IN ('SUBMITTED', 'PRE_DESIGNATED') OR relationship_id IS NOT NULL),
      CHECK (state = 'REFUSED' OR request_id IS NOT NULL))`);
    // The worker's queue, oldest batch first, and the lines awaiting their bank.
    await runner.query(`CREATE INDEX conversion_lines_pending ON account.conversion_lines (batch_id, line_no) WHERE state = 'PENDING'`);
    await runner.query(`CREATE INDEX conversion_lines_submitted ON account.conversion_lines (relationship_id) WHERE state = 'SUBMITTED'`);

    await runner.query(`ALTER TABLE account.custody_relationships ADD COLUMN dormant_since date`);
    await runner.query(`CREATE INDEX custody_relationships_dormant ON account.custody_relationships (fund_account_no) WHERE dormant_since IS NOT NULL`);
    // A marking walks the awake pre-designated relationships in id order.
    await runner.query(`CREATE INDEX custody_relationships_awake_pre_designated ON account.custody_relationships (id) WHERE status = 'PRE_DESIGNATED' AND dormant_since IS NULL`);
    await runner.query(`CREATE TABLE account.dormant_markings (
      marking_id uuid PRIMARY KEY,
      as_of date NOT NULL,
      dormant_after_days integer NOT NULL,
      cutoff_date date NOT NULL,
      requested_by text NOT NULL,
      after_relationship_id uuid,
      all_requested boolean NOT NULL DEFAULT false,
      created_at timestamptz NOT NULL DEFAULT now())`);
    await runner.query(`CREATE INDEX dormant_markings_requesting ON account.dormant_markings (created_at) WHERE NOT all_requested`);
    await runner.query(`CREATE TABLE account.dormancy_checks (
      marking_id uuid NOT NULL REFERENCES account.dormant_markings (marking_id),
      relationship_id uuid NOT NULL REFERENCES account.custody_relationships (id),
      outcome text NOT NULL CHECK (outcome IN ('PENDING', 'DORMANT', 'ACTIVE', 'SKIPPED')),
      reason text,
      balance numeric(20,2),
      last_movement_date date,
      PRIMARY KEY (marking_id, relationship_id))`);
  }

  async down(runner: QueryRunner): Promise<void> {
    await runner.query(`DROP TABLE account.dormancy_checks`);
    await runner.query(`DROP TABLE account.dormant_markings`);
    await runner.query(`DROP INDEX account.custody_relationships_awake_pre_designated`);
    await runner.query(`DROP INDEX account.custody_relationships_dormant`);
    await runner.query(`ALTER TABLE account.custody_relationships DROP COLUMN dormant_since`);
    await runner.query(`DROP TABLE account.conversion_lines`);
    await runner.query(`DROP TABLE account.conversion_batches`);
  }
}
