import { Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';

/**
 * BROKER_FILES: fetch, keep and read the broker's files of one step (subject: the step). READ_BANK_FILE: read
 * one version of a bank's file (subject: `name@FileMac`). COMPARE: compare both sides' CHK01–03 (subject: '').
 */
export type JobKind = 'BROKER_FILES' | 'READ_BANK_FILE' | 'COMPARE';

export interface Job {
  readonly jobId: string;
  readonly kind: JobKind;
  readonly bankCode: string;
  readonly businessDate: string;
  readonly subject: string;
  readonly attempts: number;
  /** What a job that stopped half-way had finished already (its handler's own record). */
  readonly progress: Record<string, unknown>;
}

interface JobRow {
  job_id: string;
  kind: JobKind;
  bank_code: string;
  business_date: string;
  subject: string;
  attempts: number;
  progress: Record<string, unknown>;
  status: 'PENDING' | 'DONE';
}

const JOB_COLUMNS = `job_id, kind, bank_code, business_date::text AS business_date, subject, attempts, progress, status`;

function toJob(row: JobRow): Job {
  return { jobId: row.job_id, kind: row.kind, bankCode: row.bank_code, businessDate: row.business_date, subject: row.subject, attempts: row.attempts, progress: row.progress };
}

/** The service's persisted work queue: a job is a row, done in the transaction of its last effect. */
@Injectable()
export class JobRepository {
  constructor(private readonly dataSource: DataSource) {}

  /** Adds the job unless one of the same kind, bank, date and subject exists (done or not); true if added. */
  async enqueue(manager: EntityManager, kind: JobKind, bankCode: string, businessDate: string, subject = ''): Promise<boolean> {
    const rows: unknown[] = await manager.query(
      `INSERT INTO reconciliation.jobs (job_id, kind, bank_code, business_date, subject) VALUES (gen_random_uuid(), $1, $2, $3, $4)
       ON CONFLICT (kind, bank_code, business_date, subject) DO NOTHING RETURNING job_id`,
      [kind, bankCode, businessDate, subject],
    );
    return rows.length === 1;
  }

  /**
   * Adds the job, or makes a done one pending again: for work that decides for itself whether there is anything
   * left to do (a comparison runs once per bank's day whatever asks for it).
   */
  async enqueueAgain(manager: EntityManager, kind: JobKind, bankCode: string, businessDate: string, subject = ''): Promise<void> {
    await manager.query(
      `INSERT INTO reconciliation.jobs (job_id, kind, bank_code, business_date, subject) VALUES (gen_random_uuid(), $1, $2, $3, $4)
       ON CONFLICT (kind, bank_code, business_date, subject) DO UPDATE SET status = 'PENDING', next_attempt_at = now(), done_at = NULL
        WHERE reconciliation.jobs.status = 'DONE'`,
      [kind, bankCode, businessDate, subject],
    );
  }

  /** Pending jobs whose time has come, oldest first. */
  async due(limit: number): Promise<Job[]> {
    const rows: JobRow[] = await this.dataSource.query(
      `SELECT ${JOB_COLUMNS} FROM reconciliation.jobs WHERE status = 'PENDING' AND next_attempt_at <= now() ORDER BY next_attempt_at, created_at LIMIT $1`,
      [limit],
    );
    return rows.map(toJob);
  }

  /** The job as it stands now, or null once it is done. */
  async pending(jobId: string): Promise<Job | null> {
    const rows: JobRow[] = await this.dataSource.query(`SELECT ${JOB_COLUMNS} FROM reconciliation.jobs WHERE job_id = $1 AND status = 'PENDING'`, [jobId]);
    return rows.length === 0 ? null : toJob(rows[0]);
  }

  async saveProgress(manager: EntityManager, jobId: string, progress: Record<string, unknown>): Promise<void> {
    await manager.query(`UPDATE reconciliation.jobs SET progress = $2 WHERE job_id = $1`, [jobId, JSON.stringify(progress)]);
  }

  /** In the transaction of the job's last effect, so that the effect and "done" commit together. */
  async complete(manager: EntityManager, jobId: string): Promise<void> {
    await manager.query(`UPDATE reconciliation.jobs SET status = 'DONE', done_at = now(), last_error = NULL WHERE job_id = $1`, [jobId]);
  }

  /** A failed try: counted, its reason kept, the next one `delayMs` from now. */
  async postpone(jobId: string, delayMs: number, error: string): Promise<void> {
    await this.dataSource.query(
      `UPDATE reconciliation.jobs SET attempts = attempts + 1, last_error = $3, next_attempt_at = now() + make_interval(secs => $2) WHERE job_id = $1`,
      [jobId, delayMs / 1000, error.slice(0, 2000)],
    );
  }
}
