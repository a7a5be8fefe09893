/** How a key's limit of work in flight moves (AIMD on the latency of what it admitted). */
export interface InFlightLimits {
  /** The limit a key starts with. */
  initial: number;
  /** It never falls below this (some work always gets through to show the system has recovered). */
  min: number;
  /** Nor rises above this. */
  max: number;
  /**
   * Work that took longer than this from admission to its end — or longer than twice the quickest end lately, when
   * that is longer (a bank that is slow without any load) — says the key is over capacity: it waited in a queue.
   */
  targetMs: number;
}

/** How long the quickest end of a window stands as the key's unloaded latency (the previous window's and this one's). */
const BASELINE_WINDOW_MS = 10_000;

interface KeyState {
  inFlight: number;
  limit: number;
  lastDecreaseAt: number;
  /** The quickest end of the previous window and of the current one, and when the current one began. */
  previousMin: number;
  windowMin: number;
  windowStart: number;
}

/** Frees a slot; `latencyMs` (admission to end) teaches the limit, undefined frees it without a lesson (refused, failed). */
export type Release = (latencyMs?: number) => void;

/**
 * Counts work in flight per key (e.g. per bank) and refuses more than a key's limit (issue 9: beyond capacity the
 * system sheds load instead of queueing). The limit is Little's law learnt from what happens: in flight = throughput ×
 * latency, so a limit that keeps the latency of admitted work under `targetMs` is what the system can serve in time,
 * whatever the machine. It moves as TCP's congestion window does (additive increase, multiplicative decrease): each
 * end within the target while the limit was in use raises it by about one per limit's worth of ends; an end over the
 * target cuts it by a tenth, at most once per target interval (the ends of one overloaded moment are one signal).
 * The target is the greater of `targetMs` and twice the quickest recent end, as TCP Vegas judges a queue by the
 * round trip over its minimum: a bank that takes 3 s to answer one transfer alone is slow, not overloaded, and
 * shedding its transfers would not make it faster.
 */
export class InFlightLimiter {
  private readonly keys = new Map<string, KeyState>();

  constructor(
    private readonly limitsOf: (key: string) => InFlightLimits,
    private readonly now: () => number = () => performance.now(),
  ) {}

  /** A release function when there is room (the first call counts; later calls do nothing), or undefined when full. */
  tryAcquire(key: string): Release | undefined {
    const limits = this.limitsOf(key);
    const state = this.keys.get(key) ?? { inFlight: 0, limit: limits.initial, lastDecreaseAt: -Infinity, previousMin: Infinity, windowMin: Infinity, windowStart: this.now() };
    this.keys.set(key, state);
    if (state.inFlight >= Math.floor(state.limit)) return undefined;
    state.inFlight += 1;
    let released = false;
    return (latencyMs) => {
      if (released) return;
      released = true;
      const inUse = state.inFlight >= state.limit / 2;
      state.inFlight -= 1;
      if (latencyMs === undefined) return;
      const now = this.now();
      const unloaded = this.observe(state, latencyMs, now);
      const target = Math.max(limits.targetMs, 2 * unloaded);
      if (latencyMs > target) {
        if (now - state.lastDecreaseAt < target) return;
        state.lastDecreaseAt = now;
        state.limit = Math.max(limits.min, state.limit * 0.9);
      } else if (inUse) {
        state.limit = Math.min(limits.max, state.limit + 1 / state.limit);
      }
    };
  }

  /** Records an end and returns the key's unloaded latency: the quickest end of the previous window and this one. */
  private observe(state: KeyState, latencyMs: number, now: number): number {
    if (now - state.windowStart >= BASELINE_WINDOW_MS) {
      state.previousMin = state.windowMin;
      state.windowMin = Infinity;
      state.windowStart = now;
    }
    state.windowMin = Math.min(state.windowMin, latencyMs);
    return Math.min(state.previousMin, state.windowMin);
  }

  inFlight(key: string): number {
    return this.keys.get(key)?.inFlight ?? 0;
  }

  /** The key's current limit (whole units of work). */
  limit(key: string): number {
    const state = this.keys.get(key);
    return Math.floor(state?.limit ?? this.limitsOf(key).initial);
  }
}
