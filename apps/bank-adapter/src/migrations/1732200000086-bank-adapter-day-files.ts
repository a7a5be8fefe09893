import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The close of a bank's day (bank-protocol.md §5, §7 steps 4–7):
 * - `file_steps`: each SEND/FETCH step the saga asked for, persisted when taken (idempotent by `step_id`), run
 *   by one replica at a time under a lease, resumed from the file it was on, and ended once (its outcome and
 *   `bank.file-step-completed` in one transaction). Kept: a step re-read from Kafka after its inbox entry was
 *   pruned finds its row and is not run again.
 * - `bank_announcements`: the bank's 13005s by their `Ref`, with the answer given, so a 13005 repeated with
 *   the same `Ref` gets its first answer and `bank.files-received` is emitted once (profile §4 idempotency).
 */
export class BankAdapterDayFiles1732200000086 implements MigrationInterface {
  name = 'BankAdapterDayFiles1732200000086';

  async up(runner: QueryRunner): Promise<void> {
    await runner.query(`CREATE TABLE bank_adapter.file_steps (
      step_id uuid PRIMARY KEY,
      bank_code text NOT NULL,
      business_date date NOT NULL,
      mode text NOT NULL CHECK (mode IN ('SEND', 'FETCH')),
      file_names text[] NOT NULL CHECK (cardinality(file_names) > 0),
      requested_by uuid NOT NULL,
      requested_at timestamptz NOT NULL DEFAULT now(),
      files_done jsonb NOT NULL DEFAULT '[]',
      current_file text,
      attempts integer NOT NULL DEFAULT 0,
      not_before timestamptz NOT NULL DEFAULT now(),
      lease_owner text,
      lease_token uuid,
      lease_until timestamptz,
      last_error text,
      outcome text CHECK (outcome IN ('DONE', 'FAILED')),
      bank_return_code text,
      reason text,
      finished_at timestamptz,
      CHECK ((outcome IS NULL) = (finished_at IS NULL)))`);
    // Workers look only at open steps of their bank, oldest first.
    await runner.query(`CREATE INDEX file_steps_open ON bank_adapter.file_steps (bank_code, requested_at) WHERE outcome IS NULL`);
    await runner.query(`CREATE TABLE bank_adapter.bank_announcements (
      bank_code text NOT NULL,
      issuer_id text NOT NULL,
      serial_no varchar(20) NOT NULL,
      return_code text NOT NULL,
      info text,
      reply_serial varchar(20) NOT NULL,
      files jsonb NOT NULL,
      answered_at timestamptz NOT NULL DEFAULT now(),
      PRIMARY KEY (bank_code, issuer_id, serial_no))`);
    await runner.query(`CREATE INDEX bank_announcements_answered_at ON bank_adapter.bank_announcements (answered_at)`);
  }

  async down(runner: QueryRunner): Promise<void> {
    await runner.query(`DROP TABLE bank_adapter.bank_announcements`);
    await runner.query(`DROP TABLE bank_adapter.file_steps`);
  }
}
