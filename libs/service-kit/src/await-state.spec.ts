import { awaitState } from './await-state';

/** A stand-in for SettledNotifications: waiters armed now are woken by `announce`, or give up after `maxMs`. */
function notifier() {
  const waiters = new Set<() => void>();
  return {
    changed: (maxMs: number) =>
      new Promise<void>((resolve) => {
        const done = () => {
          clearTimeout(timer);
          waiters.delete(done);
          resolve();
        };
        const timer = setTimeout(done, maxMs);
        waiters.add(done);
      }),
    announce: () => [...waiters].forEach((done) => done()),
  };
}

describe('awaitState', () => {
  it('issue 9: a change announced while the state is being read is not missed (no sleep until the fallback)', async () => {
    const n = notifier();
    let status = 'PENDING';
    let reads = 0;
    const read = async () => {
      reads += 1;
      const seen = status;
      // The outcome commits and is announced after this read saw PENDING, before the caller waits.
      if (reads === 1) {
        status = 'SUCCEEDED';
        n.announce();
      }
      return seen;
    };
    const started = Date.now();
    const value = await awaitState(read, (s) => s === 'SUCCEEDED', 5_000, (maxMs) => n.changed(Math.min(maxMs, 1_000)));
    expect(value).toBe('SUCCEEDED');
    expect(reads).toBe(2);
    expect(Date.now() - started).toBeLessThan(500);
  });

  it('answers what it has once the wait is over, however often it was woken', async () => {
    const n = notifier();
    const value = await awaitState(async () => 'PENDING', (s) => s === 'SUCCEEDED', 120, (maxMs) => n.changed(maxMs));
    expect(value).toBe('PENDING');
  });

  it('a final state on the first read is answered at once', async () => {
    const n = notifier();
    let reads = 0;
    const read = async () => {
      reads += 1;
      return 'SUCCEEDED';
    };
    const value = await awaitState(read, (s) => s === 'SUCCEEDED', 5_000, (maxMs) => n.changed(Math.min(maxMs, 50)));
    expect(value).toBe('SUCCEEDED');
    expect(reads).toBe(1);
  });

  it('issue 9: a state the caller has just written stands for the first read; the read after the wake sees the change', async () => {
    const n = notifier();
    let status = 'PENDING';
    let reads = 0;
    const read = async () => {
      reads += 1;
      return status;
    };
    const waiting = awaitState(read, (s) => s === 'SUCCEEDED', 5_000, (maxMs) => n.changed(Math.min(maxMs, 1_000)), 'PENDING');
    await Promise.resolve();
    expect(reads).toBe(0);
    status = 'SUCCEEDED';
    n.announce();
    expect(await waiting).toBe('SUCCEEDED');
    expect(reads).toBe(1);
  });

  it('with no time to wait, the written state is answered without a read', async () => {
    const read = jest.fn(async () => 'SUCCEEDED');
    expect(await awaitState(read, (s) => s === 'SUCCEEDED', 0, (maxMs) => notifier().changed(maxMs), 'PENDING')).toBe('PENDING');
    expect(read).not.toHaveBeenCalled();
  });

  it('issue 9: a wake that brings the settled state stands for the read after it', async () => {
    let announce: (settled: string) => void = () => undefined;
    const changed = () => new Promise<string>((resolve) => (announce = resolve));
    const read = jest.fn(async () => 'PENDING');
    const waiting = awaitState(read, (s) => s === 'SUCCEEDED', 5_000, changed, 'PENDING');
    await Promise.resolve();
    announce('SUCCEEDED');
    expect(await waiting).toBe('SUCCEEDED');
    expect(read).not.toHaveBeenCalled();
  });
});
