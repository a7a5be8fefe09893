/**
 * Counts work in flight per key (e.g. per bank) and refuses more than a key's limit (issue 9: beyond capacity the
 * system sheds load instead of queueing). Little's law sizes a limit: in flight = throughput × latency, so a limit
 * of the throughput a key sustains times the latency callers are promised admits what can be served in time and
 * refuses the rest at once, instead of letting it wait in a queue until it is late everywhere downstream.
 */
export class InFlightLimiter {
  private readonly counts = new Map<string, number>();

  constructor(private readonly limitOf: (key: string) => number) {}

  /** A release function when there is room (call it exactly once; later calls do nothing), or undefined when full. */
  tryAcquire(key: string): (() => void) | undefined {
    const count = this.counts.get(key) ?? 0;
    if (count >= this.limitOf(key)) return undefined;
    this.counts.set(key, count + 1);
    let released = false;
    return () => {
      if (released) return;
      released = true;
      const left = (this.counts.get(key) ?? 1) - 1;
      if (left === 0) this.counts.delete(key);
      else this.counts.set(key, left);
    };
  }

  inFlight(key: string): number {
    return this.counts.get(key) ?? 0;
  }
}
