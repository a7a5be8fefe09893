import { backoffAfter, isStalled, sleep, type RetryPolicy } from './retry.policy';

const policy: RetryPolicy = { maxAttempts: 4, initialBackoffMs: 100, maxBackoffMs: 300, stalledRetryIntervalMs: 10_000 };

describe('retry policy of a failing handler', () => {
  it('backs off exponentially up to the cap while attempts remain', () => {
    expect([1, 2, 3].map((attempt) => backoffAfter(attempt, policy))).toEqual([100, 200, 300]);
  });

  it('after maxAttempts the message is stalled and retried at the slow interval, never dropped', () => {
    expect(isStalled(3, policy)).toBe(false);
    expect(isStalled(4, policy)).toBe(true);
    expect(backoffAfter(4, policy)).toBe(10_000);
    expect(backoffAfter(400, policy)).toBe(10_000);
  });

  it('a stopping consumer does not sit out the wait', async () => {
    const abort = new AbortController();
    const started = Date.now();
    const waiting = sleep(10_000, abort.signal);
    abort.abort();
    await waiting;
    expect(Date.now() - started).toBeLessThan(1_000);
  });
});
