import { randomUUID } from 'node:crypto';
import type { FileRequester, FileRequestName, ProtocolMessage, ReplyNameOf, RequestDraft, RequestOptions } from '@custody/bank-protocol';
import { bankFileStepCompleted, bankFilesReceived, type DayFileDescriptor } from '@custody/contracts';
import type { MessagePublisher } from '@custody/messaging';
import type { DataSource } from 'typeorm';
import { type AdapterLogger, describeError } from '../platform/adapter-logger';
import type { BankSession } from '../sessions/bank-session';
import { afterTransientFailure, type FileStep, NoFileSessionError, stepRefusal, verdictOnFailure } from './file-step.rules';
import type { FileStepRunner, StepProgress } from './file-step.runner';
import type { FileStepRepository, StepEnd } from './file-steps.repository';
import type { FileTransferTracker } from './file-transfer.tracker';

export interface FileStepWorkerSettings {
  readonly bankCode: string;
  /** This process, named as the lease owner (for operators reading `file_steps`). */
  readonly instanceId: string;
  /** How long a lease lasts without renewal: a replica that dies mid-step is taken over after it. */
  readonly leaseMs: number;
  /** How often an idle worker looks for a step. */
  readonly pollMs: number;
}

export interface FileStepWorkerDependencies {
  readonly steps: FileStepRepository;
  readonly dataSource: DataSource;
  readonly outbox: MessagePublisher;
  readonly runner: FileStepRunner;
  readonly sessions: { forFiles(): BankSession | undefined };
  readonly transfers: FileTransferTracker;
  readonly logger: AdapterLogger;
  /** Monotonic milliseconds: a lease is measured on it, never on the wall clock. */
  readonly clock?: () => number;
}

/** The step is no longer this worker's (its lease ran out or was taken), or the worker is stopping. */
class LeaseLostError extends Error {
  override readonly name = 'LeaseLostError';
}

/**
 * The lease as this process sees it. It is held only until a moment measured on the local monotonic clock from
 * *before* the renewal that granted it, a fifth of the lease short of its end: the database's expiry (set later,
 * at the renewal's execution) always comes after, so no replica can take the step while this one still thinks
 * it holds it. Every request of the step checks it first; a request already at the bank when it lapses is the
 * one the protocol already forgives (the next holder restarts the file with 13008).
 */
class StepLease {
  private heldUntil: number;
  private lost = false;

  constructor(
    private readonly clock: () => number,
    private readonly leaseMs: number,
    from: number,
  ) {
    this.heldUntil = from + this.usable();
  }

  extend(from: number): void {
    if (!this.lost) this.heldUntil = from + this.usable();
  }

  lose(): void {
    this.lost = true;
  }

  assertHeld(): void {
    if (this.lost || this.clock() >= this.heldUntil) throw new LeaseLostError('the step\'s lease is no longer held here');
  }

  private usable(): number {
    return this.leaseMs - this.leaseMs / 5;
  }
}

/**
 * Runs the bank's file steps (bank-protocol.md §5, §7 steps 5 and 7), one at a time per process and each on
 * one replica at a time: a step is taken under a lease in PostgreSQL (`FileStepRepository.claimNext`), renewed
 * every third of its length while the step runs. A replica that dies mid-step stops renewing; after the lease
 * another takes the step and resumes it from the file it was on (`FileStepRunner`). The step ends once — its
 * outcome and `bank.file-step-completed` (and, for a FETCH, `bank.files-received`) in one transaction that
 * only the lease holder can commit.
 */
export class FileStepWorker {
  private running = false;
  private loopDone: Promise<void> = Promise.resolve();
  private readonly clock: () => number;
  private current: StepLease | undefined;
  private wakeUp: (() => void) | undefined;

  constructor(
    private readonly settings: FileStepWorkerSettings,
    private readonly deps: FileStepWorkerDependencies,
  ) {
    this.clock = deps.clock ?? (() => performance.now());
  }

  start(): void {
    if (this.running) return;
    this.running = true;
    this.loopDone = this.loop();
  }

  /**
   * Stops taking steps. A step in hand stops before its next request and is given back at once, so another
   * replica (or this one, restarted) resumes it without waiting for the lease to run out.
   */
  async stop(): Promise<void> {
    if (!this.running) return;
    this.running = false;
    this.current?.lose();
    this.wakeUp?.();
    await this.loopDone;
  }

  private async loop(): Promise<void> {
    while (this.running) {
      let ranOne = false;
      try {
        ranOne = await this.runNext();
      } catch (error) {
        this.deps.logger.error({ bankCode: this.settings.bankCode, error: describeError(error) }, 'file step worker: could not take or end a step; looking again shortly');
      }
      if (!ranOne && this.running) await this.pause(this.settings.pollMs);
    }
  }

  /** Takes one due step and runs it to its end or its next retry; false when there was none. */
  private async runNext(): Promise<boolean> {
    const leaseToken = randomUUID();
    const claimedFrom = this.clock();
    const leased = await this.deps.steps.claimNext(this.settings.bankCode, this.settings.instanceId, leaseToken, this.settings.leaseMs);
    if (!leased) return false;
    const lease = new StepLease(this.clock, this.settings.leaseMs, claimedFrom);
    this.current = lease;
    if (!this.running) lease.lose();
    const renewal = setInterval(() => void this.renew(leased.step.stepId, leaseToken, lease), Math.max(1, Math.floor(this.settings.leaseMs / 3)));
    renewal.unref();
    try {
      await this.runStep(leased.step, leaseToken, lease);
    } finally {
      clearInterval(renewal);
      this.current = undefined;
    }
    return true;
  }

  private async renew(stepId: string, leaseToken: string, lease: StepLease): Promise<void> {
    const from = this.clock();
    try {
      if (await this.deps.steps.renew(stepId, leaseToken, this.settings.leaseMs)) lease.extend(from);
      else lease.lose();
    } catch (error) {
      // Not renewed, not lost: the lease lapses here on its own unless a later renewal succeeds.
      this.deps.logger.warn({ stepId, error: describeError(error) }, 'file step lease not renewed');
    }
  }

  private async runStep(step: FileStep, leaseToken: string, lease: StepLease): Promise<void> {
    const log = { stepId: step.stepId, bankCode: step.bankCode, businessDate: step.businessDate, mode: step.mode, fileNames: step.fileNames, attempt: step.attempts };
    const refusal = stepRefusal(step);
    if (refusal) {
      await this.end(step, leaseToken, { outcome: 'FAILED', reason: refusal }, []);
      return;
    }
    this.deps.logger.info({ ...log, resumedAfter: step.filesDone.map((file) => file.fileName) }, 'file step taken');
    const progress: StepProgress = {
      record: async (filesDone, currentFile) => {
        lease.assertHeld();
        if (!(await this.deps.steps.progress(step.stepId, leaseToken, filesDone, currentFile))) lease.lose();
        lease.assertHeld();
      },
    };
    const session = this.deps.sessions.forFiles();
    let files: DayFileDescriptor[];
    try {
      if (!session) throw new NoFileSessionError(`no signed-in session to bank ${step.bankCode} free for a file step`);
      const endTransfer = this.deps.transfers.beginOutbound(session.id);
      try {
        files = await this.deps.runner.run(step, leasedRequester(session, lease), progress);
      } finally {
        endTransfer();
      }
    } catch (error) {
      await this.afterFailure(step, leaseToken, error, log);
      return;
    }
    await this.end(step, leaseToken, { outcome: 'DONE' }, files);
  }

  private async afterFailure(step: FileStep, leaseToken: string, error: unknown, log: Record<string, unknown>): Promise<void> {
    if (error instanceof LeaseLostError) {
      if (this.running) {
        this.deps.logger.warn({ ...log }, 'file step lease lost mid-step (this replica paused past it, or another took the step): this replica stops it');
      } else {
        await this.deps.steps.postpone(step.stepId, leaseToken, 0, 'the adapter holding it stopped');
        this.deps.logger.info({ ...log }, 'file step given back: the adapter is stopping');
      }
      return;
    }
    const verdict = verdictOnFailure(error);
    if (verdict.kind === 'FAILED') {
      await this.end(step, leaseToken, { outcome: 'FAILED', reason: verdict.reason, bankReturnCode: verdict.bankReturnCode }, []);
      return;
    }
    const next = afterTransientFailure(step.attempts, verdict.reason);
    if (next.kind === 'FAILED') {
      await this.end(step, leaseToken, { outcome: 'FAILED', reason: next.reason }, []);
      return;
    }
    this.deps.logger.warn({ ...log, reason: verdict.reason, retryInMs: next.delayMs }, 'file step interrupted; it is taken again later and restarts the file it was on');
    await this.deps.steps.postpone(step.stepId, leaseToken, next.delayMs, verdict.reason);
  }

  /** The step's end and what announces it, in one transaction only the lease holder can commit. */
  private async end(step: FileStep, leaseToken: string, end: StepEnd, files: readonly DayFileDescriptor[]): Promise<void> {
    const options = { key: step.bankCode, correlationId: step.stepId, causationId: step.requestedBy, businessDate: step.businessDate };
    const ended = await this.deps.dataSource.transaction(async (manager) => {
      if (!(await this.deps.steps.end(manager, step.stepId, leaseToken, end))) return false;
      await this.deps.outbox.publish(
        manager,
        bankFileStepCompleted,
        {
          stepId: step.stepId,
          bankCode: step.bankCode,
          businessDate: step.businessDate,
          mode: step.mode,
          outcome: end.outcome,
          fileNames: [...step.fileNames],
          ...(end.bankReturnCode === undefined ? {} : { bankReturnCode: end.bankReturnCode }),
          ...(end.reason === undefined ? {} : { reason: end.reason }),
        },
        options,
      );
      if (step.mode === 'FETCH' && end.outcome === 'DONE') {
        await this.deps.outbox.publish(manager, bankFilesReceived, { bankCode: step.bankCode, businessDate: step.businessDate, via: 'FETCH', files: [...files] }, options);
      }
      return true;
    });
    const log = { stepId: step.stepId, bankCode: step.bankCode, businessDate: step.businessDate, mode: step.mode, fileNames: step.fileNames, outcome: end.outcome };
    if (!ended) this.deps.logger.warn(log, 'file step not ended here: its lease was taken by another replica');
    else if (end.outcome === 'DONE') this.deps.logger.info(log, 'file step done');
    else this.deps.logger.error({ ...log, bankReturnCode: end.bankReturnCode, reason: end.reason }, 'FILE STEP FAILED: the saga decides whether and when to ask again');
  }

  private pause(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const done = (): void => {
        clearTimeout(timer);
        this.wakeUp = undefined;
        resolve();
      };
      const timer = setTimeout(done, ms);
      this.wakeUp = done;
    });
  }
}

/**
 * The session's requester for the step, checking the lease before every request: a worker that no longer
 * holds its step sends nothing more of it.
 */
function leasedRequester(session: BankSession, lease: StepLease): FileRequester {
  const request = <N extends FileRequestName>(draft: RequestDraft<N>, options?: RequestOptions): Promise<ProtocolMessage<ReplyNameOf<N>>> => {
    lease.assertHeld();
    return session.connection.request(draft, options);
  };
  return { request };
}
