import type { EffectScope } from './effect-scope';

interface Entry<S, K> {
  readonly work: (scope: S) => Promise<unknown>;
  /** What the run asks of `before` (the inbox entries of its messages). */
  readonly keys: readonly K[];
  readonly resolve: (result: unknown) => void;
  readonly reject: (error: unknown) => void;
}

/**
 * Group commit (issue 9): the runs that a consumer's partitions hand in at about the same time share one transaction.
 *
 * kafkajs hands a fetch's batches — one per partition with messages — to its workers at once, and at moderate load each
 * holds a message or two. Applied each in its own transaction, a fetch cost a BEGIN, a COMMIT and an fsync per
 * partition. Here a run handed in while another transaction is open waits for it to end, and every run waiting then
 * goes into the next transaction, in the order handed in; a run handed in while none is open waits one turn of the
 * event loop for the rest of its fetch. So under load the transactions grow instead of queueing on the pool.
 *
 * What one run did can only commit with it, so a failure is kept to its run: when a run's work throws, the
 * transaction rolls back, that run alone gets the error (its consumer settles the failing message alone, as before)
 * and the others are run again, first, in the next transaction — their work touched nothing that lasted. A failure no
 * run can be blamed for (BEGIN or COMMIT failed) is every run's. The rules for what a handler may do in a batch
 * (transactional.consumer.ts) already cover a transaction shared with other partitions: only the locks are held
 * longer, and a deadlock between two groups is broken by PostgreSQL and retried like any transient failure.
 */
export class GroupCommit<S, K = never> implements EffectScope<S> {
  private queue: Array<Entry<S, K>> = [];
  private draining = false;

  /**
   * `before`: what the transaction does first, once for the keys of all its runs (the transactional consumer claims
   * every message's inbox entry in one statement). Its failure is no run's to blame.
   */
  constructor(
    private readonly scope: EffectScope<S>,
    private readonly before?: (scope: S, keys: readonly K[]) => Promise<void>,
  ) {}

  run<T>(work: (scope: S) => Promise<T>, keys: readonly K[] = []): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      this.queue.push({ work, keys, resolve: resolve as (result: unknown) => void, reject });
      if (this.draining) return;
      this.draining = true;
      // The other batches of the fetch are handed in within this turn of the event loop.
      setImmediate(() => void this.drain());
    });
  }

  private async drain(): Promise<void> {
    while (this.queue.length > 0) {
      const group = this.queue;
      this.queue = [];
      const results = new Map<Entry<S, K>, unknown>();
      let blamed: { entry: Entry<S, K>; error: unknown } | undefined;
      try {
        await this.scope.run(async (scope) => {
          const keys = group.flatMap((entry) => entry.keys);
          if (this.before && keys.length > 0) await this.before(scope, keys);
          for (const entry of group) {
            try {
              results.set(entry, await entry.work(scope));
            } catch (error) {
              blamed = { entry, error };
              throw error;
            }
          }
        });
      } catch (error) {
        if (!blamed) {
          for (const entry of group) entry.reject(error);
          continue;
        }
        const failed = blamed.entry;
        failed.reject(blamed.error);
        this.queue = [...group.filter((entry) => entry !== failed), ...this.queue];
        continue;
      }
      for (const entry of group) entry.resolve(results.get(entry));
    }
    this.draining = false;
  }
}
