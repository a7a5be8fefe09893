import type { MigrationInterface, QueryRunner } from 'typeorm';

export class SagaInitial1732200000003 implements MigrationInterface {
  name = 'SagaInitial1732200000003';

  async up(runner: QueryRunner): Promise<void> {
    await runner.query(`CREATE TABLE saga.sagas (
      saga_id uuid PRIMARY KEY,
      kind text NOT NULL CHECK (kind IN ('DESIGNATION', 'TRANSFER')),
      subject_id text NOT NULL,
      state text NOT NULL,
      bank_code text NOT NULL,
      payload jsonb NOT NULL,
      current_call_id uuid,
      attempt integer NOT NULL DEFAULT 0,
      created_at timestamptz NOT NULL DEFAULT now(),
      updated_at timestamptz NOT NULL DEFAULT now(),
      UNIQUE (kind, subject_id))`);
    await runner.query(`CREATE INDEX sagas_open ON saga.sagas (state) WHERE state <> 'DONE'`);
    // Every call made to a bank on a saga's behalf; a completion is applied once (completed_at).
    await runner.query(`CREATE TABLE saga.bank_calls (
      call_id uuid PRIMARY KEY,
      saga_id uuid NOT NULL REFERENCES saga.sagas (saga_id),
      purpose text NOT NULL CHECK (purpose IN ('ORIGINAL', 'RESEND', 'QUERY')),
      function text NOT NULL,
      serial_no varchar(20) NOT NULL,
      created_at timestamptz NOT NULL DEFAULT now(),
      completed_at timestamptz,
      outcome text,
      return_code char(4))`);
    // Persisted timers (architecture.md: never an in-memory setTimeout for what matters).
    await runner.query(`CREATE TABLE saga.timers (
      timer_id uuid PRIMARY KEY,
      saga_id uuid NOT NULL REFERENCES saga.sagas (saga_id),
      kind text NOT NULL CHECK (kind IN ('CALL_DEADLINE', 'NEXT_CALL')),
      call_id uuid,
      purpose text,
      due_at timestamptz NOT NULL,
      fired_at timestamptz)`);
    await runner.query(`CREATE INDEX timers_due ON saga.timers (due_at) WHERE fired_at IS NULL`);
    await runner.query(`CREATE SEQUENCE saga.serial_seq`);
  }

  async down(runner: QueryRunner): Promise<void> {
    await runner.query(`DROP SEQUENCE saga.serial_seq`);
    await runner.query(`DROP TABLE saga.timers`);
    await runner.query(`DROP TABLE saga.bank_calls`);
    await runner.query(`DROP TABLE saga.sagas`);
  }
}
