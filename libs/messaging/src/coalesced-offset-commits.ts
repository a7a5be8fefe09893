import type { PartitionOffset } from './offset-committer';

interface Waiter {
  readonly resolve: () => void;
  readonly reject: (error: unknown) => void;
}

/**
 * Offset commits asked for within one turn of the event loop go to Kafka as one OffsetCommit request (issue 9).
 *
 * The runs of a group commit (group-commit.ts) end together, and each then commits its partition's offset: one request
 * for all of them instead of one per partition. Each asker still waits for its own offset to be committed, and a
 * failed request fails every asker in it — each then does what a failed commit of its own would make it do. A
 * partition asks again only once its previous commit has answered, so one request never carries two offsets of it.
 */
export class CoalescedOffsetCommits {
  private pending = new Map<string, { point: PartitionOffset; waiters: Waiter[] }>();

  constructor(private readonly send: (offsets: PartitionOffset[]) => Promise<void>) {}

  commit(point: PartitionOffset): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      if (this.pending.size === 0) setImmediate(() => void this.flush());
      const key = `${point.topic}\u0000${point.partition}`;
      const entry = this.pending.get(key) ?? { point, waiters: [] };
      entry.point = point;
      entry.waiters.push({ resolve, reject });
      this.pending.set(key, entry);
    });
  }

  private async flush(): Promise<void> {
    const batch = [...this.pending.values()];
    this.pending = new Map();
    const waiters = batch.flatMap((entry) => entry.waiters);
    try {
      await this.send(batch.map((entry) => entry.point));
    } catch (error) {
      for (const waiter of waiters) waiter.reject(error);
      return;
    }
    for (const waiter of waiters) waiter.resolve();
  }
}
