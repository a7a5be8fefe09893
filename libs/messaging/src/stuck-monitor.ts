import { errorText } from './failure-class';
import type { MessagingLogger } from './messaging.logger';

/** How long one message may hold its partition before it is reported stuck, unless configured. */
export const DEFAULT_STUCK_AFTER_MS = 60_000;
/** setTimeout's limit (about 24.8 days). */
const MAX_TIMER_MS = 2 ** 31 - 1;

/** A message this member has been working on for longer than the threshold: what `health()` lists. */
export interface StuckMessage {
  groupId: string;
  topic: string;
  partition: number;
  offset: string;
  /** Undefined for a record that is not a readable envelope (it is on its way to the dead-letter topic). */
  messageId: string | undefined;
  /** When this member began on it (a rebalance or restart begins again). */
  since: string;
  /** Failed attempts so far; 0 while the first one has not returned. */
  attempts: number;
  /** Undefined while no attempt has failed: the handler has not returned yet. */
  lastError: string | undefined;
}

export interface StuckMessageMonitorOptions {
  groupId: string;
  stuckAfterMs: number;
  logger: MessagingLogger;
  /** The slow retry interval, for the operator's log line. */
  retryIntervalMs: number;
  /** Windowed consumption: the other messages of the partition go on, only its commit point waits. */
  windowed: boolean;
}

const ENDED = {
  settled: 'stuck message settled; its partition moves again',
  'given up': 'stuck message given up by this member (stopping or partition revoked); it stays uncommitted',
  'rolled back': 'stuck message’s batch rolled back (another message of it failed); it is applied again',
} as const;

/** One message being settled. */
export interface WatchedMessage {
  readonly topic: string;
  readonly partition: number;
  readonly offset: string;
  readonly messageId: string | undefined;
  readonly startedAt: number;
  attempts: number;
  lastError: string | undefined;
  reported: boolean;
  timer: NodeJS.Timeout | undefined;
}

/**
 * Watches every message from the moment the engine begins on it until it is applied, dead-lettered or
 * given up. A message still there after `stuckAfterMs` holds its partition (or, windowed, its commit
 * point): it is listed by `stuck()` and logged once at ERROR with what an operator needs. Time, not
 * attempts, decides: a handler that hangs without ever failing is as stuck as one that keeps failing.
 */
export class StuckMessageMonitor {
  private readonly watched = new Set<WatchedMessage>();

  constructor(private readonly options: StuckMessageMonitorOptions) {
    const { stuckAfterMs } = options;
    // Checked when the consumer is wired, not when the first message sticks.
    if (!Number.isInteger(stuckAfterMs) || stuckAfterMs < 1 || stuckAfterMs > MAX_TIMER_MS) {
      throw new Error(`stuckAfterMs must be a whole number of milliseconds from 1 to ${MAX_TIMER_MS}, not ${stuckAfterMs}`);
    }
  }

  begin(delivery: { topic: string; partition: number; offset: string }, messageId: string | undefined): WatchedMessage {
    const watched: WatchedMessage = {
      topic: delivery.topic,
      partition: delivery.partition,
      offset: delivery.offset,
      messageId,
      startedAt: Date.now(),
      attempts: 0,
      lastError: undefined,
      reported: false,
      timer: undefined,
    };
    watched.timer = setTimeout(() => this.report(watched), this.options.stuckAfterMs);
    // A stuck report must never keep a stopping process alive.
    watched.timer.unref();
    this.watched.add(watched);
    return watched;
  }

  failed(watched: WatchedMessage, error: unknown): void {
    watched.attempts += 1;
    watched.lastError = errorText(error);
  }

  /**
   * The message is applied, dead-lettered or given up, or (batched) its handler returned or its batch rolled
   * back and it is to be applied again: it no longer holds its partition here.
   */
  end(watched: WatchedMessage, outcome: 'settled' | 'given up' | 'rolled back'): void {
    clearTimeout(watched.timer);
    this.watched.delete(watched);
    if (!watched.reported) return;
    this.options.logger.warn({ ...this.viewOf(watched), stuckForMs: Date.now() - watched.startedAt, outcome }, ENDED[outcome]);
  }

  stuck(now = Date.now()): StuckMessage[] {
    return [...this.watched].filter((watched) => now - watched.startedAt >= this.options.stuckAfterMs).map((watched) => this.viewOf(watched));
  }

  clear(): void {
    for (const watched of this.watched) clearTimeout(watched.timer);
    this.watched.clear();
  }

  private report(watched: WatchedMessage): void {
    if (!this.watched.has(watched)) return;
    watched.reported = true;
    const { topic, partition, offset } = watched;
    const waiting = this.options.windowed
      ? 'the partition’s committed offset cannot pass it (later messages go on but stay uncommitted)'
      : 'nothing behind it on the partition is applied';
    this.options.logger.error(
      {
        ...this.viewOf(watched),
        stuckAfterMs: this.options.stuckAfterMs,
        action:
          `It is retried (every ${this.options.retryIntervalMs} ms once stalled) and never skipped. If lastError is an outage ` +
          '(database, Kafka, a service), restore it and the next retry applies the message. If it is a defect in the data or the ' +
          'handler, fix it and deploy; the message is applied after the fix. A message that can never succeed must be refused by ' +
          'its handler with a permanent error so it goes to the dead-letter topic. Never move the group’s offset past it by hand: ' +
          'its effect would be lost.',
      },
      `PARTITION STUCK: ${topic}[${partition}] has been on offset ${offset} (message ${watched.messageId ?? 'unreadable'}) since ${new Date(watched.startedAt).toISOString()}; ${waiting}; last error: ${watched.lastError ?? 'none yet, the handler has not returned'}`,
    );
  }

  private viewOf(watched: WatchedMessage): StuckMessage {
    return {
      groupId: this.options.groupId,
      topic: watched.topic,
      partition: watched.partition,
      offset: watched.offset,
      messageId: watched.messageId,
      since: new Date(watched.startedAt).toISOString(),
      attempts: watched.attempts,
      lastError: watched.lastError,
    };
  }
}
