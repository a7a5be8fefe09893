import { Injectable } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import type { BankFunction, DayPhase } from '@custody/contracts';
import type { EntityManager } from 'typeorm';

/**
 * What a bank call was made for, in its flow's words (a transfer's `ORIGINAL`, `QUERY` …, a day's 13012 / 13011): the
 * store keeps it and hands it back, and only the flow that named it reads it — the engine knows no flow.
 */
export type CallPurpose = string;

export type SagaKind =
  | 'DESIGNATION'
  | 'TRANSFER'
  | 'DAY'
  | 'BANK_BALANCE_QUERY'
  | 'BANK_ACCOUNT_CHANGE'
  | 'CUSTOMER_DATA_CHANGE'
  | 'IDENTITY_CHECK'
  | 'STATUS_CHANGE'
  | 'CUSTODY_CANCELLATION'
  | 'CUSTODIAN_BANK_CHANGE';

export interface SagaRow<P = Record<string, unknown>> {
  saga_id: string;
  kind: SagaKind;
  subject_id: string;
  state: string;
  bank_code: string;
  payload: P;
  current_call_id: string | null;
  attempt: number;
}

export interface CallRow {
  call_id: string;
  saga_id: string;
  purpose: CallPurpose;
  function: string;
  serial_no: string;
  completed_at: Date | null;
}

export interface TimerRow {
  timer_id: string;
  saga_id: string;
  kind: 'CALL_DEADLINE' | 'NEXT_CALL' | 'DAY_STEP';
  call_id: string | null;
  /** NEXT_CALL: the call to make; DAY_STEP: the step to take. */
  purpose: CallPurpose | null;
}

/** TypeORM's postgres driver answers `UPDATE … RETURNING` with `[rows, rowCount]`, and `INSERT … RETURNING` with the rows. */
async function updateReturning<T>(manager: EntityManager, sql: string, params: unknown[]): Promise<T[]> {
  const result = (await manager.query(sql, params)) as [T[], number];
  return result[0];
}

/** A saga's payload without the sealed secrets it kept for its calls (see `setState`). */
export const WITHOUT_SECRETS = `(payload - 'bankPassword') #- '{customer,idNumber}'`;

/** SQL for the saga's own tables; every method runs in the caller's transaction. */
@Injectable()
export class SagaStore {
  /** Creates the saga unless one exists for the subject (a redelivered start event creates nothing). */
  async create(manager: EntityManager, kind: SagaKind, subjectId: string, bankCode: string, payload: object): Promise<SagaRow | undefined> {
    const rows: SagaRow[] = await manager.query(
      `INSERT INTO saga.sagas (saga_id, kind, subject_id, state, bank_code, payload) VALUES ($1, $2, $3, 'NEW', $4, $5)
       ON CONFLICT (kind, subject_id) DO NOTHING RETURNING *`,
      [randomUUID(), kind, subjectId, bankCode, JSON.stringify(payload)],
    );
    return rows[0];
  }

  /**
   * `create` for a transfer, with its first call made, in one statement that reads the phase of its bank's day of
   * `businessDate` too (issue 9: one to create the saga and read the day, then one to make the call, `issueCall`): the saga enters `state` with the call as its current one (attempt 1), and the call row
   * and its persisted deadline are written — unless the bank's day of `businessDate` is in one of `notOnPhases`: then the
   * saga is created NEW and no call is made (`called` false; the caller ends it). Undefined: a saga exists for the subject
   * already (a redelivered start), and nothing is written.
   */
  async createTransferCalling(
    manager: EntityManager,
    saga: Pick<SagaRow, 'saga_id' | 'subject_id' | 'bank_code' | 'payload'>,
    businessDate: string,
    call: Pick<CallRow, 'call_id' | 'purpose' | 'function' | 'serial_no'>,
    state: string,
    deadlineInMs: number,
    notOnPhases: readonly DayPhase[],
  ): Promise<{ saga: SagaRow; called: boolean } | undefined> {
    const rows: Array<SagaRow & { called: boolean }> = await manager.query(
      `WITH calling AS (
         SELECT day.phase IS NULL OR NOT day.phase = ANY($13::text[]) AS yes
           FROM (SELECT (SELECT phase FROM saga.bank_days WHERE bank_code = $3 AND business_date = $5) AS phase) AS day
       ), created AS (
         INSERT INTO saga.sagas (saga_id, kind, subject_id, state, bank_code, payload, current_call_id, attempt)
         SELECT $1, 'TRANSFER', $2, CASE WHEN calling.yes THEN $6 ELSE 'NEW' END, $3, $4, CASE WHEN calling.yes THEN $7::uuid END, CASE WHEN calling.yes THEN 1 ELSE 0 END
           FROM calling
         ON CONFLICT (kind, subject_id) DO NOTHING RETURNING *
       ), call AS (
         INSERT INTO saga.bank_calls (call_id, saga_id, purpose, function, serial_no)
         SELECT $7, created.saga_id, $8, $9, $10 FROM created, calling WHERE calling.yes
       ), deadline AS (
         INSERT INTO saga.timers (timer_id, saga_id, kind, call_id, purpose, due_at)
         SELECT $11, created.saga_id, 'CALL_DEADLINE', $7, $8, clock_timestamp() + $12 * interval '1 millisecond' FROM created, calling WHERE calling.yes
       )
       SELECT created.*, calling.yes AS called FROM created, calling`,
      [
        saga.saga_id, saga.subject_id, saga.bank_code, JSON.stringify(saga.payload), businessDate, state,
        call.call_id, call.purpose, call.function, call.serial_no, randomUUID(), deadlineInMs, notOnPhases,
      ],
    );
    if (!rows[0]) return undefined;
    const { called, ...created } = rows[0];
    return { saga: created, called };
  }

  async lock(manager: EntityManager, sagaId: string): Promise<SagaRow> {
    const rows: SagaRow[] = await manager.query(`SELECT * FROM saga.sagas WHERE saga_id = $1 FOR UPDATE`, [sagaId]);
    if (!rows[0]) throw new Error(`saga ${sagaId} does not exist`);
    return rows[0];
  }

  async lockBySubject(manager: EntityManager, kind: SagaKind, subjectId: string): Promise<SagaRow | undefined> {
    const rows: SagaRow[] = await manager.query(`SELECT * FROM saga.sagas WHERE kind = $1 AND subject_id = $2 FOR UPDATE`, [kind, subjectId]);
    return rows[0];
  }

  /** Ends a saga; a DONE saga keeps none of its sealed secrets (see `setState`). */
  async markDone(manager: EntityManager, sagaId: string): Promise<void> {
    await this.setState(manager, sagaId, 'DONE');
  }

  /**
   * Moves a saga to `state`. Entering DONE also deletes the sealed secrets it kept for its bank calls — the bank
   * password (designation, deposit) and the customer's ID number (designation) — in the same statement: no call
   * will need them again, and a secret not kept cannot leak (docs/design.md "Secrets"). A path that is absent is
   * left as is.
   */
  async setState(manager: EntityManager, sagaId: string, state: string): Promise<void> {
    await manager.query(
      `UPDATE saga.sagas SET state = $2, payload = CASE WHEN $2 = 'DONE' THEN ${WITHOUT_SECRETS} ELSE payload END, updated_at = now() WHERE saga_id = $1`,
      [sagaId, state],
    );
  }

  /** Adds what a saga learned to its payload (a shallow JSON merge), in the caller's transaction. */
  async mergePayload(manager: EntityManager, sagaId: string, patch: object): Promise<void> {
    await manager.query(`UPDATE saga.sagas SET payload = payload || $2::jsonb, updated_at = now() WHERE saga_id = $1`, [sagaId, JSON.stringify(patch)]);
  }

  /**
   * A bank call made on a saga's behalf, in one statement: the call row, its persisted deadline (`deadlineInMs` from
   * the statement's time, as `addTimer`) and the saga's new state, current call and attempt (issue 9).
   */
  async issueCall(manager: EntityManager, call: Omit<CallRow, 'completed_at'>, saga: { state: string; attempt: number }, deadlineInMs: number): Promise<void> {
    await manager.query(
      `WITH call AS (
         INSERT INTO saga.bank_calls (call_id, saga_id, purpose, function, serial_no) VALUES ($1, $2, $3, $4, $5)
       ), deadline AS (
         INSERT INTO saga.timers (timer_id, saga_id, kind, call_id, purpose, due_at)
         VALUES ($6, $2, 'CALL_DEADLINE', $1, $3, clock_timestamp() + $7 * interval '1 millisecond')
       )
       UPDATE saga.sagas SET state = $8, current_call_id = $1, attempt = $9, updated_at = now() WHERE saga_id = $2`,
      [call.call_id, call.saga_id, call.purpose, call.function, call.serial_no, randomUUID(), deadlineInMs, saga.state, saga.attempt],
    );
  }

  /**
   * Records the first completion of a call and cancels its deadline — a deadline left behind would fire later only
   * to find the call completed (a transaction each, issue 9) — and locks the call's saga, all in one statement; a
   * later completion changes and locks nothing (undefined). The saga is locked after the call row (its row comes
   * out of the update), the same order as every other path, so two never deadlock. For a transfer it also answers
   * the phase of its bank's day of the transfer's business date (undefined: not begun).
   * A deadline the poller is firing right now is skipped, not waited for (the poller holds it and waits for this call
   * row: waiting here would deadlock); it then finds the call completed and does nothing.
   */
  async completeCall(
    manager: EntityManager,
    callId: string,
    outcome: string,
    returnCode: string | undefined,
  ): Promise<{ call: CallRow; saga: SagaRow; dayPhase: DayPhase | undefined } | undefined> {
    const rows: Array<CallRow & { kind: SagaKind; subject_id: string; state: string; bank_code: string; payload: Record<string, unknown>; current_call_id: string | null; attempt: number; day_phase: DayPhase | null }> =
      await manager.query(
        `WITH completed AS (
           UPDATE saga.bank_calls SET completed_at = now(), outcome = $2, return_code = $3 WHERE call_id = $1 AND completed_at IS NULL RETURNING *
         ), cancelled AS (
           DELETE FROM saga.timers WHERE timer_id IN (
             SELECT timer_id FROM saga.timers WHERE call_id = $1 AND kind = 'CALL_DEADLINE' AND fired_at IS NULL AND EXISTS (SELECT 1 FROM completed)
             FOR UPDATE SKIP LOCKED)
         )
         SELECT c.call_id, c.saga_id, c.purpose, c.function, c.serial_no, c.completed_at,
                s.kind, s.subject_id, s.state, s.bank_code, s.payload, s.current_call_id, s.attempt,
                CASE WHEN s.kind = 'TRANSFER' THEN (
                  SELECT d.phase FROM saga.bank_days d WHERE d.bank_code = s.bank_code AND d.business_date = (s.payload ->> 'businessDate')::date
                ) END AS day_phase
           FROM completed c JOIN saga.sagas s ON s.saga_id = c.saga_id
            FOR UPDATE OF s`,
        [callId, outcome, returnCode ?? null],
      );
    const row = rows[0];
    if (!row) return undefined;
    return {
      call: { call_id: row.call_id, saga_id: row.saga_id, purpose: row.purpose, function: row.function, serial_no: row.serial_no, completed_at: row.completed_at },
      saga: { saga_id: row.saga_id, kind: row.kind, subject_id: row.subject_id, state: row.state, bank_code: row.bank_code, payload: row.payload, current_call_id: row.current_call_id, attempt: row.attempt },
      dayPhase: row.day_phase ?? undefined,
    };
  }

  /**
   * A call whose deadline fired, unless it has completed meanwhile (undefined): what its NO_REPLY completion names.
   * The call row is read before the saga is locked, the same order as a completion from the adapter, so the two
   * never deadlock.
   */
  async unansweredCall(manager: EntityManager, callId: string): Promise<{ function: BankFunction; serial_no: string; bank_code: string } | undefined> {
    const [call]: Array<{ function: BankFunction; serial_no: string; completed_at: Date | null; bank_code: string }> = await manager.query(
      `SELECT c.function, c.serial_no, c.completed_at, s.bank_code FROM saga.bank_calls c JOIN saga.sagas s USING (saga_id) WHERE c.call_id = $1`,
      [callId],
    );
    if (!call || call.completed_at) return undefined;
    return { function: call.function, serial_no: call.serial_no, bank_code: call.bank_code };
  }

  /**
   * A timer due `dueInMs` from now. From the statement's time, not the transaction's (`now()`): a consumer's
   * transaction holds a batch of messages, and a call deadline counted from when the batch began would end early.
   */
  async addTimer(manager: EntityManager, timer: Omit<TimerRow, 'timer_id'>, dueInMs: number): Promise<void> {
    await manager.query(
      `INSERT INTO saga.timers (timer_id, saga_id, kind, call_id, purpose, due_at) VALUES ($1, $2, $3, $4, $5, clock_timestamp() + $6 * interval '1 millisecond')`,
      [randomUUID(), timer.saga_id, timer.kind, timer.call_id, timer.purpose, dueInMs],
    );
  }

  /** A timer due at an instant of the calendar (e.g. a bank's window end), not after a delay. */
  async addTimerAt(manager: EntityManager, timer: Omit<TimerRow, 'timer_id'>, dueAt: Date): Promise<void> {
    await manager.query(`INSERT INTO saga.timers (timer_id, saga_id, kind, call_id, purpose, due_at) VALUES ($1, $2, $3, $4, $5, $6)`, [
      randomUUID(),
      timer.saga_id,
      timer.kind,
      timer.call_id,
      timer.purpose,
      dueAt,
    ]);
  }

  /** Pushes a timer whose handling failed back by a growing delay (5 s … 60 s) and records why. */
  async postponeTimer(manager: EntityManager, timerId: string, error: string): Promise<void> {
    await manager.query(
      `UPDATE saga.timers SET fired_at = NULL, failures = failures + 1, last_error = $2,
              due_at = now() + least(failures + 1, 12) * interval '5 seconds' WHERE timer_id = $1`,
      [timerId, error.slice(0, 500)],
    );
  }

  /** Claims due timers; SKIP LOCKED lets several coordinator replicas share the work without double firing. */
  async claimDueTimers(manager: EntityManager, limit: number): Promise<TimerRow[]> {
    return updateReturning<TimerRow>(
      manager,
      `UPDATE saga.timers SET fired_at = now() WHERE timer_id IN (
         SELECT timer_id FROM saga.timers WHERE fired_at IS NULL AND due_at <= now() ORDER BY due_at LIMIT $1 FOR UPDATE SKIP LOCKED)
       RETURNING timer_id, saga_id, kind, call_id, purpose`,
      [limit],
    );
  }
}
