import { Injectable } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import type { EntityManager } from 'typeorm';
import type { CloseTimerStep, DayCallPurpose, DayStep } from '../day/day-decisions';
import type { CallPurpose as TransferCallPurpose } from '../transfer/transfer-decisions';

/** What a bank call was made for: a transfer's original, resend, query or reversal, or a day's 13012 / 13011. */
export type CallPurpose = TransferCallPurpose | DayCallPurpose;

export type SagaKind = 'DESIGNATION' | 'TRANSFER' | 'DAY';

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
  purpose: CallPurpose | DayStep | CloseTimerStep | null;
}

/** TypeORM's postgres driver answers `UPDATE … RETURNING` with `[rows, rowCount]`, and `INSERT … RETURNING` with the rows. */
async function updateReturning<T>(manager: EntityManager, sql: string, params: unknown[]): Promise<T[]> {
  const result = (await manager.query(sql, params)) as [T[], number];
  return result[0];
}

/** A saga's payload without the sealed secrets it kept for its calls (see `forgetSecrets`). */
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

  async lock(manager: EntityManager, sagaId: string): Promise<SagaRow> {
    const rows: SagaRow[] = await manager.query(`SELECT * FROM saga.sagas WHERE saga_id = $1 FOR UPDATE`, [sagaId]);
    if (!rows[0]) throw new Error(`saga ${sagaId} does not exist`);
    return rows[0];
  }

  async lockBySubject(manager: EntityManager, kind: SagaKind, subjectId: string): Promise<SagaRow | undefined> {
    const rows: SagaRow[] = await manager.query(`SELECT * FROM saga.sagas WHERE kind = $1 AND subject_id = $2 FOR UPDATE`, [kind, subjectId]);
    return rows[0];
  }

  async markDone(manager: EntityManager, sagaId: string): Promise<void> {
    await manager.query(`UPDATE saga.sagas SET state = 'DONE', updated_at = now() WHERE saga_id = $1`, [sagaId]);
  }

  async update(manager: EntityManager, sagaId: string, state: string, currentCallId: string | null, attempt: number): Promise<void> {
    await manager.query(`UPDATE saga.sagas SET state = $2, current_call_id = $3, attempt = $4, updated_at = now() WHERE saga_id = $1`, [sagaId, state, currentCallId, attempt]);
  }

  /** Adds what a saga learned to its payload (a shallow JSON merge), in the caller's transaction. */
  async mergePayload(manager: EntityManager, sagaId: string, patch: object): Promise<void> {
    await manager.query(`UPDATE saga.sagas SET payload = payload || $2::jsonb, updated_at = now() WHERE saga_id = $1`, [sagaId, JSON.stringify(patch)]);
  }

  /**
   * Deletes the sealed secrets a saga kept for its bank calls — the bank password (designation, deposit) and the
   * customer's ID number (designation) — once it is DONE: no call will need them again, and a secret not kept
   * cannot leak (docs/design.md "Secrets"). A path that is absent is left as is.
   */
  async forgetSecrets(manager: EntityManager, sagaId: string): Promise<void> {
    await manager.query(`UPDATE saga.sagas SET payload = ${WITHOUT_SECRETS}, updated_at = now() WHERE saga_id = $1`, [sagaId]);
  }

  async insertCall(manager: EntityManager, call: Omit<CallRow, 'completed_at'>): Promise<void> {
    await manager.query(`INSERT INTO saga.bank_calls (call_id, saga_id, purpose, function, serial_no) VALUES ($1, $2, $3, $4, $5)`, [
      call.call_id,
      call.saga_id,
      call.purpose,
      call.function,
      call.serial_no,
    ]);
  }

  /** Marks a call completed; returns undefined when it was already (a duplicate completion). */
  /**
   * Records the first completion of a call, and cancels its deadline in the same statement: a deadline left behind
   * would fire later only to find the call completed (a transaction each, issue 9). A later completion changes nothing.
   * A deadline the poller is firing right now is skipped, not waited for (the poller holds it and waits for this call
   * row: waiting here would deadlock); it then finds the call completed and does nothing.
   */
  async completeCall(manager: EntityManager, callId: string, outcome: string, returnCode: string | undefined): Promise<CallRow | undefined> {
    const rows: CallRow[] = await manager.query(
      `WITH completed AS (
         UPDATE saga.bank_calls SET completed_at = now(), outcome = $2, return_code = $3 WHERE call_id = $1 AND completed_at IS NULL RETURNING *
       ), cancelled AS (
         DELETE FROM saga.timers WHERE timer_id IN (
           SELECT timer_id FROM saga.timers WHERE call_id = $1 AND kind = 'CALL_DEADLINE' AND fired_at IS NULL AND EXISTS (SELECT 1 FROM completed)
           FOR UPDATE SKIP LOCKED)
       )
       SELECT * FROM completed`,
      [callId, outcome, returnCode ?? null],
    );
    return rows[0];
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
