import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The day cycle (bank-protocol.md §7, domain.md §15): the broker's business date — its own state, switched by
 * the cycle, not at midnight — and each bank's day on each date with its phase. A bank's day is a saga of kind
 * DAY (its bank calls 13012 / 13011 and its timers use the saga machinery).
 */
export class SagaDayCycle1732200000060 implements MigrationInterface {
  name = 'SagaDayCycle1732200000060';

  async up(runner: QueryRunner): Promise<void> {
    await runner.query(`CREATE TABLE saga.business_date (
      singleton boolean PRIMARY KEY DEFAULT true CHECK (singleton),
      business_date date NOT NULL,
      switched_at timestamptz NOT NULL DEFAULT now())`);
    await runner.query(`CREATE TABLE saga.bank_days (
      bank_code text NOT NULL,
      business_date date NOT NULL,
      phase text NOT NULL CHECK (phase IN ('NOT_STARTED', 'OPEN', 'ENDING', 'ENDED', 'RECONCILING', 'AWAITING_ADJUSTMENTS', 'RECONCILED', 'DEFERRED')),
      deferred_reason text,
      -- Breaks of the bank's day still open, as reconciliation reports them.
      open_breaks integer NOT NULL DEFAULT 0,
      ending_since timestamptz,
      phase_changed_at timestamptz NOT NULL DEFAULT now(),
      PRIMARY KEY (bank_code, business_date))`);
    await runner.query(`ALTER TABLE saga.sagas DROP CONSTRAINT sagas_kind_check,
      ADD CONSTRAINT sagas_kind_check CHECK (kind IN ('DESIGNATION', 'TRANSFER', 'DAY'))`);
    await runner.query(`ALTER TABLE saga.bank_calls DROP CONSTRAINT bank_calls_purpose_check,
      ADD CONSTRAINT bank_calls_purpose_check CHECK (purpose IN ('ORIGINAL', 'RESEND', 'QUERY', 'REVERSAL', 'DAY_START', 'DAY_END'))`);
    await runner.query(`ALTER TABLE saga.timers DROP CONSTRAINT timers_kind_check,
      ADD CONSTRAINT timers_kind_check CHECK (kind IN ('CALL_DEADLINE', 'NEXT_CALL', 'DAY_STEP'))`);
    // The transfers a closing day waits for: a bank's sagas of one business date that are still open.
    await runner.query(`CREATE INDEX sagas_open_transfers_by_day ON saga.sagas (bank_code, (payload ->> 'businessDate')) WHERE kind = 'TRANSFER' AND state <> 'DONE'`);
  }

  async down(runner: QueryRunner): Promise<void> {
    await runner.query(`DROP INDEX saga.sagas_open_transfers_by_day`);
    await runner.query(`DELETE FROM saga.timers WHERE kind = 'DAY_STEP'`);
    await runner.query(`ALTER TABLE saga.timers DROP CONSTRAINT timers_kind_check,
      ADD CONSTRAINT timers_kind_check CHECK (kind IN ('CALL_DEADLINE', 'NEXT_CALL'))`);
    await runner.query(`DELETE FROM saga.bank_calls WHERE purpose IN ('DAY_START', 'DAY_END')`);
    await runner.query(`ALTER TABLE saga.bank_calls DROP CONSTRAINT bank_calls_purpose_check,
      ADD CONSTRAINT bank_calls_purpose_check CHECK (purpose IN ('ORIGINAL', 'RESEND', 'QUERY', 'REVERSAL'))`);
    await runner.query(`DELETE FROM saga.sagas WHERE kind = 'DAY'`);
    await runner.query(`ALTER TABLE saga.sagas DROP CONSTRAINT sagas_kind_check,
      ADD CONSTRAINT sagas_kind_check CHECK (kind IN ('DESIGNATION', 'TRANSFER'))`);
    await runner.query(`DROP TABLE saga.bank_days`);
    await runner.query(`DROP TABLE saga.business_date`);
  }
}
