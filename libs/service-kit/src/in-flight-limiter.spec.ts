import { InFlightLimiter } from './in-flight-limiter';

describe('InFlightLimiter (issue 9: shed load beyond capacity)', () => {
  it('admits up to a key’s limit and refuses the next until one is released', () => {
    const limiter = new InFlightLimiter(() => 2);
    const first = limiter.tryAcquire('A');
    const second = limiter.tryAcquire('A');
    expect(first).toBeDefined();
    expect(second).toBeDefined();
    expect(limiter.tryAcquire('A')).toBeUndefined();
    first!();
    expect(limiter.inFlight('A')).toBe(1);
    expect(limiter.tryAcquire('A')).toBeDefined();
  });

  it('one key full never refuses another (one bank lagging does not shed another bank’s transfers)', () => {
    const limiter = new InFlightLimiter((key) => (key === 'A' ? 1 : 3));
    expect(limiter.tryAcquire('A')).toBeDefined();
    expect(limiter.tryAcquire('A')).toBeUndefined();
    expect(limiter.tryAcquire('B')).toBeDefined();
    expect(limiter.inFlight('B')).toBe(1);
  });

  it('a release called twice frees one slot only', () => {
    const limiter = new InFlightLimiter(() => 1);
    const release = limiter.tryAcquire('A')!;
    const other = limiter.tryAcquire('B')!;
    release();
    release();
    expect(limiter.inFlight('A')).toBe(0);
    expect(limiter.tryAcquire('A')).toBeDefined();
    expect(limiter.tryAcquire('A')).toBeUndefined();
    other();
  });
});
