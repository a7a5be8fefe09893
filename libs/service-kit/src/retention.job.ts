import { Logger } from '@nestjs/common';
import { setTimeout as sleep } from 'node:timers/promises';
import type { RetentionTask } from '@custody/persistence';
import type { DataSource } from 'typeorm';

export interface RetentionJobOptions {
  dataSource: DataSource;
  /** Names the advisory lock: of all replicas of a service, one prunes its schema at a time. */
  schema: string;
  tasks: readonly RetentionTask[];
  intervalMs: number;
  batchSize: number;
  pauseMs: number;
}

export interface RetentionRun {
  /** Another replica held the lock: this one pruned nothing. */
  busy: boolean;
  /** Rows deleted per task. */
  pruned: Record<string, number>;
}

/** The first run comes soon after a start (a service restarted more often than the interval still prunes). */
const FIRST_RUN_DELAY_MS = 60_000;
/** Bounds one batch whatever the planner does; a batch cut short is simply taken again next run. */
const BATCH_STATEMENT_TIMEOUT_MS = 30_000;

/**
 * Prunes expired rows of a service's schema on an interval without getting in the way of its work: a batch of
 * at most `batchSize` rows per short transaction (rows in use are skipped, never waited for), a pause between
 * batches, and one replica at a time (a session advisory lock, released by PostgreSQL if the process dies).
 * Logs what it pruned.
 */
export class RetentionJob {
  private readonly logger = new Logger('RetentionJob');
  private readonly stopSignal = new AbortController();
  private loop: Promise<void> | undefined;

  constructor(private readonly options: RetentionJobOptions) {}

  start(): void {
    this.loop = this.run();
  }

  /** Ends the batch in progress and stops. */
  async stop(): Promise<void> {
    this.stopSignal.abort();
    await this.loop;
  }

  /** One run over every task; public for tests and operator tools. */
  async runOnce(): Promise<RetentionRun> {
    const { dataSource, schema } = this.options;
    const lockKey = `custody.retention:${schema}`;
    const lockHolder = dataSource.createQueryRunner();
    await lockHolder.connect();
    try {
      const [{ locked }] = (await lockHolder.query('SELECT pg_try_advisory_lock(hashtextextended($1, 0)) AS locked', [lockKey])) as Array<{ locked: boolean }>;
      if (!locked) return { busy: true, pruned: {} };
      try {
        const pruned: Record<string, number> = {};
        for (const task of this.options.tasks) {
          if (this.stopSignal.signal.aborted) break;
          pruned[task.name] = await this.prune(task);
          if (pruned[task.name] > 0) this.logger.log({ schema, rows: task.name, pruned: pruned[task.name] }, 'retention: expired rows pruned');
        }
        return { busy: false, pruned };
      } finally {
        await lockHolder.query('SELECT pg_advisory_unlock(hashtextextended($1, 0))', [lockKey]);
      }
    } finally {
      await lockHolder.release();
    }
  }

  private async prune(task: RetentionTask): Promise<number> {
    const { dataSource, batchSize, pauseMs } = this.options;
    let total = 0;
    for (;;) {
      const deleted = await dataSource.transaction(async (manager) => {
        await manager.query(`SET LOCAL statement_timeout = ${BATCH_STATEMENT_TIMEOUT_MS}`);
        return task.pruneBatch(manager, batchSize);
      });
      total += deleted;
      if (deleted < batchSize || !(await this.pause(pauseMs))) return total;
    }
  }

  private async run(): Promise<void> {
    let wait = Math.min(this.options.intervalMs, FIRST_RUN_DELAY_MS);
    while (await this.pause(wait)) {
      try {
        await this.runOnce();
      } catch (error) {
        this.logger.error({ err: error, schema: this.options.schema }, 'retention run failed; the next run tries again');
      }
      wait = this.options.intervalMs;
    }
  }

  /** False once stopped. */
  private async pause(ms: number): Promise<boolean> {
    try {
      await sleep(ms, undefined, { signal: this.stopSignal.signal });
      return true;
    } catch {
      return false;
    }
  }
}
