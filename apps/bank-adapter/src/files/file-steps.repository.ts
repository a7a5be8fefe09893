import type { ReturnCode } from '@custody/bank-protocol';
import type { DayFileDescriptor } from '@custody/contracts';
import type { DataSource, EntityManager } from 'typeorm';
import type { FileStep, FileStepRequest } from './file-step.rules';

/** A step as a worker holds it: the step and the token of its lease (only the holder of the token may change it). */
export interface LeasedStep {
  readonly step: FileStep;
  readonly leaseToken: string;
}

export interface StepEnd {
  readonly outcome: 'DONE' | 'FAILED';
  readonly bankReturnCode?: ReturnCode;
  readonly reason?: string;
}

interface StepRow {
  step_id: string;
  bank_code: string;
  business_date: string;
  mode: FileStep['mode'];
  file_names: string[];
  requested_by: string;
  files_done: DayFileDescriptor[];
  attempts: number;
  lease_token: string;
}

/** TypeORM's postgres driver answers `UPDATE … RETURNING` with `[rows, rowCount]` (an `INSERT … RETURNING` with the rows). */
async function updateReturning<T>(queryable: Pick<DataSource, 'query'>, sql: string, params: unknown[]): Promise<T[]> {
  const [rows] = (await queryable.query(sql, params)) as [T[], number];
  return rows;
}

const STEP_COLUMNS = `step_id, bank_code, to_char(business_date, 'YYYY-MM-DD') AS business_date, mode, file_names, requested_by, files_done, attempts, lease_token`;

function stepOf(row: StepRow): LeasedStep {
  return {
    leaseToken: row.lease_token,
    step: {
      stepId: row.step_id,
      bankCode: row.bank_code,
      businessDate: row.business_date,
      mode: row.mode,
      fileNames: row.file_names,
      requestedBy: row.requested_by,
      filesDone: row.files_done,
      attempts: row.attempts,
    },
  };
}

/**
 * `bank_adapter.file_steps`: the steps the saga asked for, and the lease that lets one replica at a time run
 * each. A lease is a token and an expiry in the row; every change a worker makes names its token, so a worker
 * that lost its lease (paused past it, or its replica presumed dead) changes nothing once another has taken
 * the step.
 */
export class FileStepRepository {
  constructor(private readonly dataSource: DataSource) {}

  /** Records a requested step once; a repeat of the request (same `stepId`) changes nothing. */
  async record(manager: EntityManager, request: FileStepRequest, requestedBy: string): Promise<boolean> {
    const rows: unknown[] = await manager.query(
      `INSERT INTO bank_adapter.file_steps (step_id, bank_code, business_date, mode, file_names, requested_by)
       VALUES ($1, $2, $3::date, $4, $5, $6) ON CONFLICT (step_id) DO NOTHING RETURNING step_id`,
      [request.stepId, request.bankCode, request.businessDate, request.mode, request.fileNames, requestedBy],
    );
    return rows.length === 1;
  }

  /**
   * Takes the oldest open step of the bank that nobody holds (never leased, or its lease ran out) and is due,
   * under a new lease of `leaseMs`. SKIP LOCKED: two replicas asking at once take different steps, or one none.
   */
  async claimNext(bankCode: string, owner: string, leaseToken: string, leaseMs: number): Promise<LeasedStep | undefined> {
    const [row] = await updateReturning<StepRow>(
      this.dataSource,
      `UPDATE bank_adapter.file_steps SET lease_owner = $2, lease_token = $3, lease_until = now() + $4 * interval '1 millisecond', attempts = attempts + 1
       WHERE step_id = (
         SELECT step_id FROM bank_adapter.file_steps
         WHERE bank_code = $1 AND outcome IS NULL AND not_before <= now() AND (lease_until IS NULL OR lease_until < now())
         ORDER BY requested_at, step_id LIMIT 1 FOR UPDATE SKIP LOCKED)
       RETURNING ${STEP_COLUMNS}`,
      [bankCode, owner, leaseToken, leaseMs],
    );
    return row && stepOf(row);
  }

  /** Extends the lease; false when it is no longer this holder's. */
  async renew(stepId: string, leaseToken: string, leaseMs: number): Promise<boolean> {
    const rows = await updateReturning(
      this.dataSource,
      `UPDATE bank_adapter.file_steps SET lease_until = now() + $3 * interval '1 millisecond'
       WHERE step_id = $1 AND lease_token = $2 AND outcome IS NULL RETURNING step_id`,
      [stepId, leaseToken, leaseMs],
    );
    return rows.length === 1;
  }

  /** Records the files done so far and the one in hand; false when the lease is no longer this holder's. */
  async progress(stepId: string, leaseToken: string, filesDone: readonly DayFileDescriptor[], currentFile: string | null): Promise<boolean> {
    const rows = await updateReturning(
      this.dataSource,
      `UPDATE bank_adapter.file_steps SET files_done = $3::jsonb, current_file = $4
       WHERE step_id = $1 AND lease_token = $2 AND outcome IS NULL RETURNING step_id`,
      [stepId, leaseToken, JSON.stringify(filesDone), currentFile],
    );
    return rows.length === 1;
  }

  /** Gives the step back, due again after `delayMs`, with why. */
  async postpone(stepId: string, leaseToken: string, delayMs: number, reason: string): Promise<void> {
    await this.dataSource.query(
      `UPDATE bank_adapter.file_steps SET lease_owner = NULL, lease_token = NULL, lease_until = NULL,
         not_before = now() + $3 * interval '1 millisecond', last_error = $4
       WHERE step_id = $1 AND lease_token = $2 AND outcome IS NULL`,
      [stepId, leaseToken, delayMs, reason.slice(0, 2_000)],
    );
  }

  /** Ends the step in the caller's transaction (with its messages); false when the lease is no longer this holder's. */
  async end(manager: EntityManager, stepId: string, leaseToken: string, end: StepEnd): Promise<boolean> {
    const rows = await updateReturning(
      manager,
      `UPDATE bank_adapter.file_steps SET outcome = $3, bank_return_code = $4, reason = $5, finished_at = now(),
         lease_owner = NULL, lease_token = NULL, lease_until = NULL, current_file = NULL
       WHERE step_id = $1 AND lease_token = $2 AND outcome IS NULL RETURNING step_id`,
      [stepId, leaseToken, end.outcome, end.bankReturnCode ?? null, end.reason?.slice(0, 2_000) ?? null],
    );
    return rows.length === 1;
  }
}
