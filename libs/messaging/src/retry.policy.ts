/**
 * How a consumer retries a message whose handler failed with a transient failure (failure-class.ts).
 *
 * Such a message is never skipped and never dropped: skipping would reorder the effects on one
 * account (its later messages would run first) and dropping would lose money movements. So:
 * `maxAttempts` tries with exponential backoff, then the message is STALLED (an error log on every
 * further attempt) and retried every `stalledRetryIntervalMs` until it succeeds, the consumer stops
 * (the offset is not committed, so the next owner of the partition starts with this message again),
 * or an operator deals with it. The partition waits behind it; other partitions go on when
 * `partitionsConsumedConcurrently` > 1. Once it has held the partition for `stuckAfterMs` it is
 * reported stuck (stuck-monitor.ts). A permanent failure is not retried: it is dead-lettered.
 */
export interface RetryPolicy {
  maxAttempts: number;
  initialBackoffMs: number;
  maxBackoffMs: number;
  stalledRetryIntervalMs: number;
}

export const DEFAULT_RETRY_POLICY: RetryPolicy = {
  maxAttempts: 5,
  initialBackoffMs: 200,
  maxBackoffMs: 5_000,
  stalledRetryIntervalMs: 30_000,
};

/** The wait before attempt `attempt + 1`, after `attempt` failures (1-based). */
export function backoffAfter(attempt: number, policy: RetryPolicy): number {
  if (attempt >= policy.maxAttempts) return policy.stalledRetryIntervalMs;
  return Math.min(policy.maxBackoffMs, policy.initialBackoffMs * 2 ** (attempt - 1));
}

export function isStalled(attempt: number, policy: RetryPolicy): boolean {
  return attempt >= policy.maxAttempts;
}

/** Resolves after `ms`, or at once when the signal aborts (a stopping consumer must not wait 30 s). */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal?.aborted) return resolve();
    const timer = setTimeout(done, ms);
    function done(): void {
      clearTimeout(timer);
      signal?.removeEventListener('abort', done);
      resolve();
    }
    signal?.addEventListener('abort', done, { once: true });
  });
}
