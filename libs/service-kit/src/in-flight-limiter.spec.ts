import { InFlightLimiter, type InFlightLimits } from './in-flight-limiter';

const limits = (overrides: Partial<InFlightLimits> = {}): InFlightLimits => ({ initial: 2, min: 1, max: 100, targetMs: 200, ...overrides });

describe('InFlightLimiter (issue 9: shed load beyond capacity)', () => {
  it('admits up to a key’s limit and refuses the next until one is released', () => {
    const limiter = new InFlightLimiter(() => limits());
    const first = limiter.tryAcquire('A');
    expect(limiter.tryAcquire('A')).toBeDefined();
    expect(limiter.tryAcquire('A')).toBeUndefined();
    first!();
    expect(limiter.inFlight('A')).toBe(1);
    expect(limiter.tryAcquire('A')).toBeDefined();
  });

  it('one key full never refuses another (one bank lagging does not shed another bank’s transfers)', () => {
    const limiter = new InFlightLimiter((key) => limits({ initial: key === 'A' ? 1 : 3 }));
    expect(limiter.tryAcquire('A')).toBeDefined();
    expect(limiter.tryAcquire('A')).toBeUndefined();
    expect(limiter.tryAcquire('B')).toBeDefined();
    expect(limiter.inFlight('B')).toBe(1);
  });

  it('a release called twice frees one slot only', () => {
    const limiter = new InFlightLimiter(() => limits({ initial: 1 }));
    const release = limiter.tryAcquire('A')!;
    release();
    release();
    expect(limiter.inFlight('A')).toBe(0);
    expect(limiter.tryAcquire('A')).toBeDefined();
    expect(limiter.tryAcquire('A')).toBeUndefined();
  });

  it('work ending within the target while the limit is in use raises the limit, up to its maximum', () => {
    const limiter = new InFlightLimiter(() => limits({ initial: 2, max: 4 }));
    for (let round = 0; round < 40; round += 1) {
      const held = [limiter.tryAcquire('A'), limiter.tryAcquire('A')];
      held.forEach((release) => release?.(50));
    }
    expect(limiter.limit('A')).toBe(4);
  });

  it('work over the target cuts the limit by a tenth, once per target interval, never below the minimum', () => {
    let now = 0;
    const limiter = new InFlightLimiter(() => limits({ initial: 20, min: 5, targetMs: 200 }), () => now);
    // The unloaded latency: quick ends while the limit is not in use teach it without moving the limit.
    limiter.tryAcquire('A')!(60);
    now += 10;
    limiter.tryAcquire('A')!(900);
    limiter.tryAcquire('A')!(900);
    expect(limiter.limit('A')).toBe(18);
    for (let i = 0; i < 50; i += 1) {
      now += 250;
      limiter.tryAcquire('A')!(900);
    }
    expect(limiter.limit('A')).toBe(5);
  });

  it('a bank slow without load is not taken for overloaded: ends near twice its quickest do not cut the limit', () => {
    let now = 0;
    const limiter = new InFlightLimiter(() => limits({ initial: 4, min: 1, max: 8, targetMs: 200 }), () => now);
    for (let round = 0; round < 30; round += 1) {
      now += 3_000;
      const held = [1, 2, 3, 4].map(() => limiter.tryAcquire('SLOW'));
      held.forEach((release, i) => release?.(3_000 + i * 100));
    }
    expect(limiter.limit('SLOW')).toBeGreaterThanOrEqual(4);
    // Queueing there: ends at three times its quickest cut it.
    const before = limiter.limit('SLOW');
    now += 10_000;
    limiter.tryAcquire('SLOW')!(9_500);
    expect(limiter.limit('SLOW')).toBeLessThan(before);
  });

  it('a release without a latency (a refused or failed request) frees the slot and leaves the limit as it was', () => {
    const limiter = new InFlightLimiter(() => limits({ initial: 3 }));
    const releases = [limiter.tryAcquire('A')!, limiter.tryAcquire('A')!, limiter.tryAcquire('A')!];
    releases.forEach((release) => release());
    expect(limiter.limit('A')).toBe(3);
    expect(limiter.inFlight('A')).toBe(0);
  });
});
