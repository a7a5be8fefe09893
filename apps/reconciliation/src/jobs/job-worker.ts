import { Logger } from '@nestjs/common';
import type { DataSource } from 'typeorm';
import type { Job, JobKind, JobRepository } from './job.repository';
import { retryDelayMs } from './retry-delay';

/** Runs one kind of job; it completes the job (`JobRepository.complete`) in the transaction of its last effect. */
export interface JobHandler {
  run(job: Job): Promise<void>;
}

/**
 * A failure that is a wait, not a fault (an owner whose books are not settled yet): logged as a warning, retried
 * the same way.
 */
export class NotYetError extends Error {}

export interface JobWorkerOptions {
  /** How often due jobs are looked for. */
  pollMs?: number;
  maxRetryDelayMs?: number;
}

/**
 * Takes due jobs one at a time (a job may read a million records: one at a time keeps memory bounded) and runs
 * each to its end. A job is held by a session advisory lock on its own connection while it runs, so a replica
 * never runs it twice and a crashed process lets it go at once (PostgreSQL drops the lock with the connection);
 * the job then resumes from its recorded progress. A failed try is logged for an operator with the job, the
 * reason and when it is tried again, and retried with backoff — never given up.
 */
export class JobWorker {
  private readonly logger = new Logger('ReconciliationJobs');
  private readonly pollMs: number;
  private timer?: NodeJS.Timeout;
  private running?: Promise<unknown>;
  private stopped = true;
  private stopping = false;

  constructor(
    private readonly dataSource: DataSource,
    private readonly jobs: JobRepository,
    private readonly handlers: Record<JobKind, JobHandler>,
    private readonly options: JobWorkerOptions = {},
  ) {
    this.pollMs = options.pollMs ?? 500;
  }

  start(): void {
    this.stopped = false;
    this.schedule(0);
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.stopping = true;
    clearTimeout(this.timer);
    await this.running;
  }

  /** Runs every job due now, one after the other; returns how many were taken. For tests and the loop. */
  async runDue(): Promise<number> {
    let taken = 0;
    for (const job of await this.jobs.due(20)) {
      if (this.stopping) break;
      if (await this.runHeld(job)) taken += 1;
    }
    return taken;
  }

  private schedule(delayMs: number): void {
    if (this.stopped) return;
    this.timer = setTimeout(() => {
      this.running = this.runDue()
        .catch((error) => this.logger.error(`looking for due jobs failed: ${describe(error)}`))
        .finally(() => this.schedule(this.pollMs));
    }, delayMs);
  }

  private async runHeld(candidate: Job): Promise<boolean> {
    const runner = this.dataSource.createQueryRunner();
    await runner.connect();
    const lockKey = `reconciliation.job|${candidate.jobId}`;
    try {
      const [{ locked }] = await runner.query(`SELECT pg_try_advisory_lock(hashtextextended($1, 0)) AS locked`, [lockKey]);
      if (!locked) return false;
      try {
        // Another process may have finished it between the look-up and the lock.
        const job = await this.jobs.pending(candidate.jobId);
        if (!job) return false;
        await this.runOnce(job);
        return true;
      } finally {
        await runner.query(`SELECT pg_advisory_unlock(hashtextextended($1, 0))`, [lockKey]);
      }
    } finally {
      await runner.release();
    }
  }

  private async runOnce(job: Job): Promise<void> {
    try {
      await this.handlers[job.kind].run(job);
    } catch (error) {
      const delayMs = retryDelayMs(job.attempts + 1, this.options.maxRetryDelayMs);
      await this.jobs.postpone(job.jobId, delayMs, describe(error));
      const line = `${describeJob(job)}: try ${job.attempts + 1} failed: ${describe(error)}; trying again in ${Math.round(delayMs / 1000)} s`;
      if (error instanceof NotYetError) this.logger.warn(line);
      else this.logger.error(line);
    }
  }
}

export function describeJob(job: Job): string {
  const what = { BROKER_FILES: `the broker's ${job.subject} files`, READ_BANK_FILE: `reading ${job.subject}`, COMPARE: 'the comparison' }[job.kind];
  return `${what} of bank ${job.bankCode} for ${job.businessDate}`;
}

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
