import { retryDelayMs } from './retry-delay';

describe('design: a failed job is tried again with backoff, never given up', () => {
  it('1 s, 2 s, 4 s … doubling, at most a minute', () => {
    expect([1, 2, 3, 4, 6, 7, 8, 50].map((n) => retryDelayMs(n))).toEqual([1000, 2000, 4000, 8000, 32_000, 60_000, 60_000, 60_000]);
  });
});
