/**
 * Runs work one after another among items that share a key, and at the same time across keys, in
 * the order `run` was called. An item with several keys waits for the latest earlier item of each,
 * so there is no cycle to deadlock on: everyone waits only for items that came before.
 */
export class KeyedSequencer {
  private readonly tails = new Map<string, Promise<void>>();

  /** Keys some item is running or waiting under. */
  get busyKeys(): number {
    return this.tails.size;
  }

  async run<T>(keys: readonly string[], work: () => Promise<T>): Promise<T> {
    const unique = [...new Set(keys)];
    const earlier = unique.map((key) => this.tails.get(key)).filter((tail): tail is Promise<void> => tail !== undefined);
    let release: () => void = () => undefined;
    // Never rejects, so one item's failure never releases the next one early or fails it.
    const done = new Promise<void>((resolve) => (release = resolve));
    for (const key of unique) this.tails.set(key, done);
    try {
      await Promise.all(earlier);
      return await work();
    } finally {
      release();
      for (const key of unique) if (this.tails.get(key) === done) this.tails.delete(key);
    }
  }
}
