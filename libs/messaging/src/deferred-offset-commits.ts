import type { PartitionOffset } from './offset-committer';

/**
 * A transactional consumer's offsets, committed to Kafka at most once per `intervalMs` instead of once per run
 * (issue 9): an OffsetCommit request per run was one Kafka round trip per message and per hop at the loads we see,
 * for a guarantee the inbox already gives.
 *
 * Why this loses nothing: an offset is handed over only after its run's transaction committed, so the committed
 * offset never passes an effect that is not in the database ("offsets after commit"). What waits here is only how far
 * a restart re-reads: a crash (or a lost partition) before the next flush delivers those messages again, and the
 * inbox of the consumer that reads them turns each into a no-op — as it does for a crash between a run's database
 * commit and its offset commit today. The owner flushes before it leaves its group, so a clean stop re-reads nothing.
 *
 * Per partition the highest offset is kept: after a rebalance a member may read a partition again from an older
 * committed offset, and what it already applied stays applied. A flush after a rebalance may name a partition this
 * member no longer holds; Kafka takes a commit from any current member of the group, and such a late one can only move
 * that partition's offset back to where this member's effects end (its owner then reads again what the inbox skips),
 * never past a message nobody applied.
 */
export class DeferredOffsetCommits {
  private pending = new Map<string, PartitionOffset>();
  private timer: NodeJS.Timeout | undefined;
  private flushing: Promise<void> = Promise.resolve();

  constructor(
    private readonly intervalMs: number,
    private readonly send: (offsets: PartitionOffset[]) => Promise<void>,
    /** A failed commit is not retried: its messages are read again by whoever holds the partition next. */
    private readonly onFailure: (error: unknown, offsets: PartitionOffset[]) => void,
  ) {
    if (!(Number.isInteger(intervalMs) && intervalMs > 0)) throw new Error(`an offset commit interval is a positive number of ms, not ${intervalMs}`);
  }

  /** The next offset to read of a partition whose messages before it are applied and committed in the database. */
  add(point: PartitionOffset): void {
    const key = `${point.topic}\u0000${point.partition}`;
    const held = this.pending.get(key);
    if (!held || BigInt(point.offset) > BigInt(held.offset)) this.pending.set(key, point);
    if (this.timer) return;
    this.timer = setTimeout(() => void this.flush(), this.intervalMs);
    // A pending commit does not keep a process alive; its owner flushes before it stops.
    this.timer.unref();
  }

  /** Sends what is pending now, after any flush still in flight; resolves once Kafka answered (or refused). */
  flush(): Promise<void> {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    const offsets = [...this.pending.values()];
    this.pending = new Map();
    this.flushing = this.flushing.then(async () => {
      if (offsets.length === 0) return;
      try {
        await this.send(offsets);
      } catch (error) {
        this.onFailure(error, offsets);
      }
    });
    return this.flushing;
  }
}
