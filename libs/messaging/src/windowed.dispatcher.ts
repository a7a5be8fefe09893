import type { EachBatchPayload, KafkaMessage } from 'kafkajs';
import type { Delivery } from './consumer.engine';
import type { MessagingLogger } from './messaging.logger';
import { keyOf, OffsetCommitter, type PartitionOffset } from './offset-committer';
import { OffsetWindow, type OffsetWindowLimits } from './offset-window';
import { backoffAfter, sleep, type RetryPolicy } from './retry.policy';

/**
 * Opt-in for the at-least-once consumer: handle several messages of one partition at the same time.
 * Only for handlers that are idempotent and do not need the messages of a partition applied in order
 * (they still *start* in order). The committed offset never passes an unfinished message.
 */
export interface WindowedConsumption {
  /** Messages of one partition whose handlers run at the same time. */
  maxInFlight: number;
  /**
   * Messages of one partition taken and not yet committable (an unfinished one holds the commit point
   * while the ones after it go on). When reached, the partition waits. Default 10 000: large enough
   * that one slow message does not stop the others for long, small enough to bound the redelivery
   * after a crash.
   */
  maxUncommitted?: number;
  /** How long `stop()` waits for handlers in flight before leaving them uncommitted. Default 10 s. */
  drainTimeoutMs?: number;
}

export const DEFAULT_MAX_UNCOMMITTED = 10_000;
export const DEFAULT_DRAIN_TIMEOUT_MS = 10_000;
/** How long a stop waits for the last commits after the drain; Kafka being away must not hang it. */
const FINAL_COMMIT_TIMEOUT_MS = 5_000;

/** How the engine's delivery loop is told to give a message up. */
export interface SettleControl {
  /** True once the message is to be left uncommitted for whoever reads the partition next. */
  cancelled(): boolean;
  /** Ends retry waits early. */
  signal: AbortSignal;
  /** Keeps the group membership alive during a retry wait; throws when the group rebalances. */
  heartbeat?: () => Promise<void>;
}

export interface WindowedDispatcherDependencies {
  groupId: string;
  logger: MessagingLogger;
  policy: RetryPolicy;
  heartbeatIntervalMs: number;
  /** Validates, dead-letters or applies with retries; 'abandoned' when the control said to give up. */
  settle(delivery: Delivery, control: SettleControl): Promise<'settled' | 'abandoned'>;
  commit(offsets: PartitionOffset[]): Promise<void>;
  /** Stops fetching every subscribed topic (kafkajs pause). */
  pauseAll(): void;
}

export interface PartitionWindowView {
  topic: string;
  partition: number;
  inFlight: number;
  uncommitted: number;
  /** Where this member's commits of the partition are heading (committed, or about to be); undefined before the first. */
  commitPoint: string | undefined;
}

interface PartitionState {
  readonly topic: string;
  readonly partition: number;
  readonly window: OffsetWindow;
  /** Aborted when the partition is revoked or the consumer stops: retry waits end at once. */
  readonly abort: AbortController;
  /** Revoked, or the consumer stopped: a message finishing now is not committed by this member. */
  closed: boolean;
  /** Resolvers of a batch waiting for room in this window. */
  readonly wakers: Set<() => void>;
}

/**
 * The windowed half of the consumer engine. kafkajs calls `onBatch` with a batch of one partition;
 * each message not seen before is taken into the partition's window and its handler started in the
 * background, in offset order; the batch returns once every message has been taken. A message that
 * finishes (handler resolved or dead-lettered) moves the window's commit point when nothing older is
 * unfinished, and the committer commits that point.
 *
 * Backpressure: when a window is full, `onBatch` waits inside the batch until a handler of that
 * partition finishes, and heartbeats meanwhile. kafkajs fetches a broker's partitions again only after
 * every batch of the previous fetch has returned, so a full window holds the fetching of that broker:
 * the messages already in hand start the moment a slot frees, with no refetch (pause/resume would wait
 * for the next fetch round, up to maxWaitTime, per refill). The fetch position is moved
 * (`resolveOffset`) only past messages taken, so nothing is skipped when a wait ends in a stop or a
 * rebalance.
 *
 * Rebalances: kafkajs starts every new generation at the committed offsets, which may lie behind the
 * window; messages already in the window are recognised and not started twice. A partition this member
 * lost is closed: its handlers still running finish (they cannot be recalled), retries stop, and
 * nothing more is committed for it, so the new owner reads every unfinished message again.
 */
export class WindowedDispatcher {
  private readonly partitions = new Map<string, PartitionState>();
  private readonly tasks = new Set<Promise<void>>();
  private readonly committer: OffsetCommitter;
  private readonly limits: OffsetWindowLimits;
  private readonly drainTimeoutMs: number;
  private accepting = true;

  /** The window limits `options` ask for, defaults filled in; throws when they cannot work. */
  static limitsOf(options: WindowedConsumption): OffsetWindowLimits & { drainTimeoutMs: number } {
    const limits = { maxInFlight: options.maxInFlight, maxUncommitted: options.maxUncommitted ?? Math.max(DEFAULT_MAX_UNCOMMITTED, options.maxInFlight) };
    // The window checks its own limits; building one is the check.
    new OffsetWindow(limits);
    const drainTimeoutMs = options.drainTimeoutMs ?? DEFAULT_DRAIN_TIMEOUT_MS;
    if (!Number.isFinite(drainTimeoutMs) || drainTimeoutMs < 0) throw new Error(`drainTimeoutMs must be a non-negative number, not ${drainTimeoutMs}`);
    return { ...limits, drainTimeoutMs };
  }

  constructor(
    options: WindowedConsumption,
    private readonly deps: WindowedDispatcherDependencies,
  ) {
    const { drainTimeoutMs, ...limits } = WindowedDispatcher.limitsOf(options);
    this.limits = limits;
    this.drainTimeoutMs = drainTimeoutMs;
    this.committer = new OffsetCommitter({
      groupId: deps.groupId,
      logger: deps.logger,
      commit: (offsets) => deps.commit(offsets),
      owns: (topic, partition) => this.partitions.get(keyOf(topic, partition))?.closed === false,
    });
  }

  /** kafkajs `eachBatch` (with `eachBatchAutoResolve: false`). */
  async onBatch({ batch, resolveOffset, heartbeat, isRunning }: EachBatchPayload): Promise<void> {
    const state = this.partitionOf(batch.topic, batch.partition);
    for (const message of batch.messages) {
      if (!this.accepting || !isRunning() || state.closed) return;
      if (!state.window.isKnown(message.offset)) {
        if (!state.window.hasRoom && !(await this.waitForRoom(state, heartbeat))) return;
        this.launch(state, message);
      }
      // Moves only the fetch position: autoCommit is off, so kafkajs never commits it.
      resolveOffset(message.offset);
    }
  }

  /** GROUP_JOIN: partitions no longer assigned to this member are closed. */
  assigned(assignment: Record<string, number[]>): void {
    for (const state of [...this.partitions.values()]) {
      if (assignment[state.topic]?.includes(state.partition)) continue;
      const unfinished = state.window.unfinishedOffsets();
      this.close(state);
      this.partitions.delete(keyOf(state.topic, state.partition));
      this.deps.logger.info(
        { groupId: this.deps.groupId, topic: state.topic, partition: state.partition, commitPoint: state.window.commitPoint, unfinished },
        'partition revoked; its unfinished messages are left to the next owner',
      );
    }
  }

  views(): PartitionWindowView[] {
    return [...this.partitions.values()].map(({ topic, partition, window }) => ({
      topic,
      partition,
      inFlight: window.inFlight,
      uncommitted: window.uncommitted,
      commitPoint: window.commitPoint,
    }));
  }

  /**
   * Clean stop: no new messages (fetching paused, batches return), retry waits end, handlers in flight
   * get up to `drainTimeoutMs` to finish, what finished is committed, the rest stays uncommitted and is
   * read again by the next owner. Must run before the kafkajs consumer stops (it no longer commits then).
   */
  async stop(): Promise<void> {
    this.accepting = false;
    try {
      this.deps.pauseAll();
    } catch (error) {
      this.deps.logger.warn({ groupId: this.deps.groupId, error }, 'could not pause fetching; batches still return without taking messages');
    }
    for (const state of this.partitions.values()) {
      state.abort.abort();
      this.wake(state);
    }
    const drained = await withDeadline(Promise.allSettled([...this.tasks]).then(() => true), this.drainTimeoutMs, false);
    const committed = await withDeadline(this.committer.flush().then(() => true), FINAL_COMMIT_TIMEOUT_MS, false);
    for (const state of this.partitions.values()) {
      const unfinished = state.window.unfinishedOffsets();
      this.close(state);
      if (unfinished.length > 0) {
        this.deps.logger.warn(
          { groupId: this.deps.groupId, topic: state.topic, partition: state.partition, commitPoint: state.window.commitPoint, unfinished, drainTimeoutMs: this.drainTimeoutMs },
          'consumer stopping; unfinished messages left uncommitted for the next owner',
        );
      }
    }
    this.committer.close();
    if (!drained || !committed) {
      this.deps.logger.warn({ groupId: this.deps.groupId, drained, committed }, 'windowed consumer stopped before everything finished or committed');
    }
    this.partitions.clear();
  }

  private partitionOf(topic: string, partition: number): PartitionState {
    const key = keyOf(topic, partition);
    let state = this.partitions.get(key);
    if (!state) {
      state = {
        topic,
        partition,
        window: new OffsetWindow(this.limits),
        abort: new AbortController(),
        closed: false,
        wakers: new Set(),
      };
      this.partitions.set(key, state);
    }
    return state;
  }

  private close(state: PartitionState): void {
    state.closed = true;
    state.abort.abort();
    this.committer.forget(state.topic, state.partition);
    this.wake(state);
  }

  /** Waits for a slot; false when the wait ended because the consumer stops or the partition went away. */
  private async waitForRoom(state: PartitionState, heartbeat: () => Promise<void>): Promise<boolean> {
    const beatMs = Math.max(100, Math.floor(this.deps.heartbeatIntervalMs / 2));
    while (!state.window.hasRoom) {
      await this.nextWake(state, beatMs);
      if (!this.accepting || state.closed) return false;
      // The fetch loop is held while this batch waits, so the membership is kept alive from here.
      // Throws when the group rebalances; kafkajs then re-joins and fetches from the committed offsets.
      await heartbeat();
    }
    return true;
  }

  private nextWake(state: PartitionState, ms: number): Promise<void> {
    return new Promise((resolve) => {
      const done = (): void => {
        clearTimeout(timer);
        state.wakers.delete(done);
        resolve();
      };
      const timer = setTimeout(done, ms);
      state.wakers.add(done);
    });
  }

  private wake(state: PartitionState): void {
    for (const waker of [...state.wakers]) waker();
  }

  private launch(state: PartitionState, message: KafkaMessage): void {
    state.window.admit(message.offset);
    const delivery: Delivery = { groupId: this.deps.groupId, topic: state.topic, partition: state.partition, offset: message.offset, message };
    const task: Promise<void> = this.run(state, delivery)
      .catch((error: unknown) => {
        // run() deals with every failure it expects; reaching here is a bug. The message stays
        // unfinished, so the commit point stays before it and the next owner reads it again.
        this.deps.logger.error({ ...this.fieldsOf(delivery), error }, 'windowed message task failed unexpectedly; its offset stays uncommitted');
      })
      .finally(() => {
        this.tasks.delete(task);
        this.wake(state);
      });
    this.tasks.add(task);
  }

  private async run(state: PartitionState, delivery: Delivery): Promise<void> {
    const control: SettleControl = { cancelled: () => !this.accepting || state.closed, signal: state.abort.signal };
    for (let failures = 1; ; failures += 1) {
      try {
        if ((await this.deps.settle(delivery, control)) === 'abandoned') {
          this.deps.logger.info(this.fieldsOf(delivery), 'message given up (consumer stopping or partition revoked); left uncommitted');
          return;
        }
        break;
      } catch (error) {
        if (control.cancelled()) return;
        // settle() retries every failure it knows (the handler's, the dead-letter topic's); reaching here
        // is unexpected. Never skipped all the same: it is tried again, the commit point waits.
        this.deps.logger.error({ ...this.fieldsOf(delivery), attempt: failures, error }, 'message could not be settled; retrying');
        await sleep(backoffAfter(failures, this.deps.policy), control.signal);
      }
    }
    if (state.closed) return;
    const point = state.window.finish(delivery.offset);
    if (point !== undefined) this.committer.request({ topic: state.topic, partition: state.partition, offset: point });
  }

  private fieldsOf(delivery: Delivery): Record<string, unknown> {
    return { groupId: this.deps.groupId, topic: delivery.topic, partition: delivery.partition, offset: delivery.offset };
  }
}

async function withDeadline<T>(promise: Promise<T>, ms: number, fallback: T): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  try {
    return await Promise.race([promise, new Promise<T>((resolve) => (timer = setTimeout(() => resolve(fallback), ms)))]);
  } finally {
    clearTimeout(timer);
  }
}
