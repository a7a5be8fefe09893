import type { MessagingLogger } from './messaging.logger';
import { sleep } from './retry.policy';

export interface PartitionOffset {
  topic: string;
  partition: number;
  /** The next offset to read (what Kafka stores as committed). */
  offset: string;
}

export interface OffsetCommitterOptions {
  groupId: string;
  logger: MessagingLogger;
  commit(offsets: PartitionOffset[]): Promise<void>;
  /** Whether a partition still belongs to this member; a failed commit is retried only while it does. */
  owns(topic: string, partition: number): boolean;
  maxBackoffMs?: number;
}

/**
 * Commits the commit points of a windowed consumer in the background, one commit request at a time.
 *
 * One at a time, because two requests in flight could reach the coordinator in either order and a
 * lower offset could overwrite a higher one. Each request carries the newest point of every partition
 * that moved since the last one, so a burst of finished messages costs one round trip, not one each.
 * A failed commit (coordinator moving, rebalance) is retried with backoff: nothing is lost by waiting,
 * since an uncommitted message is at worst delivered again; but a commit point must not be dropped
 * either, or a partition that goes quiet would keep redelivering work that finished long ago.
 */
export class OffsetCommitter {
  private readonly pending = new Map<string, PartitionOffset>();
  private readonly closing = new AbortController();
  private chain: Promise<void> = Promise.resolve();
  private scheduled = false;
  private failures = 0;

  constructor(private readonly options: OffsetCommitterOptions) {}

  /** Asks for `offset` to be committed for the partition; a newer request for it supersedes this one. */
  request(point: PartitionOffset): void {
    if (this.closing.signal.aborted) return;
    this.pending.set(keyOf(point.topic, point.partition), point);
    this.schedule();
  }

  /** The partition went to another member: what was not committed for it stays for the next owner. */
  forget(topic: string, partition: number): void {
    this.pending.delete(keyOf(topic, partition));
  }

  /** Resolves once everything requested so far is committed (keeps trying while commits fail). */
  async flush(): Promise<void> {
    for (;;) {
      const tail = this.chain;
      await tail;
      if (this.chain === tail) return;
    }
  }

  /** No more commits; a retry waiting for its backoff gives up. */
  close(): void {
    this.closing.abort();
    this.pending.clear();
  }

  private schedule(): void {
    if (this.scheduled) return;
    this.scheduled = true;
    this.chain = this.chain.then(() => this.pass());
  }

  /** Never rejects: the chain must stay usable for the next request. */
  private async pass(): Promise<void> {
    this.scheduled = false;
    if (this.closing.signal.aborted || this.pending.size === 0) return;
    const offsets = [...this.pending.values()];
    this.pending.clear();
    try {
      await this.options.commit(offsets);
      this.failures = 0;
    } catch (error) {
      this.failures += 1;
      for (const point of offsets) {
        const key = keyOf(point.topic, point.partition);
        // A newer point that arrived meanwhile wins; a partition that moved away is the next owner's.
        if (!this.pending.has(key) && this.options.owns(point.topic, point.partition)) this.pending.set(key, point);
      }
      const retryInMs = Math.min(this.options.maxBackoffMs ?? 2_000, 100 * 2 ** (this.failures - 1));
      this.options.logger.warn({ groupId: this.options.groupId, offsets, attempt: this.failures, retryInMs, error }, 'offset commit failed; retrying (the messages stay done, only their commit waits)');
      await sleep(retryInMs, this.closing.signal);
      if (this.pending.size > 0) this.schedule();
    }
  }
}

export function keyOf(topic: string, partition: number): string {
  return `${topic}/${partition}`;
}
