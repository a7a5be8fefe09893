interface Submitted<T, R> {
  readonly item: T;
  readonly resolve: (result: R) => void;
  readonly reject: (error: unknown) => void;
}

/**
 * Group commit for work that goes out in round trips (issue 9): items submitted while a round trip is on its way are
 * gathered and go out together in the next one — one statement, one produce request — instead of one each. Nothing
 * waits on a timer: with nothing in flight an item leaves at the end of the current turn of the event loop, so a lone
 * item is not delayed, and a burst shares round trips.
 *
 * `send` gets the items of one round trip in the order they were submitted and answers one result per item, in that
 * order; one round trip at a time. A failed round trip rejects every item of it and no other; the items after it still
 * go (the submitter retries as it would a single one).
 */
export class InFlightBatcher<T, R> {
  private queue: Array<Submitted<T, R>> = [];
  private flushing = false;
  private scheduled = false;

  constructor(
    private readonly send: (items: T[]) => Promise<R[]>,
    private readonly maxBatch: number,
  ) {
    if (!(Number.isInteger(maxBatch) && maxBatch > 0)) throw new Error(`a batch holds a positive whole number of items, not ${maxBatch}`);
  }

  submit(item: T): Promise<R> {
    return new Promise<R>((resolve, reject) => {
      this.queue.push({ item, resolve, reject });
      this.schedule();
    });
  }

  private schedule(): void {
    if (this.flushing || this.scheduled) return;
    this.scheduled = true;
    setImmediate(() => {
      this.scheduled = false;
      void this.flush();
    });
  }

  private async flush(): Promise<void> {
    this.flushing = true;
    try {
      while (this.queue.length > 0) {
        const batch = this.queue.splice(0, this.maxBatch);
        try {
          const results = await this.send(batch.map(({ item }) => item));
          if (results.length !== batch.length) throw new Error(`a round trip of ${batch.length} items answered ${results.length} results`);
          batch.forEach(({ resolve }, i) => resolve(results[i]));
        } catch (error) {
          for (const { reject } of batch) reject(error);
        }
      }
    } finally {
      this.flushing = false;
    }
  }
}
