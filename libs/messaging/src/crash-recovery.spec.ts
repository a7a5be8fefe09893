import { CrashRecovery } from './crash-recovery';
import type { MessagingLogger } from './messaging.logger';

const silent: MessagingLogger = { info: () => undefined, warn: () => undefined, error: () => undefined };

describe('a consumer its client will not restart is replaced', () => {
  it('the crashed client stops, a new one joins; failed joins are tried again with a doubling delay, capped', async () => {
    const steps: string[] = [];
    let joinsLeftToFail = 6;
    const recovery = new CrashRecovery(
      {
        stop: async () => void steps.push('stop'),
        start: async () => {
          steps.push('start');
          if (joinsLeftToFail-- > 0) throw new Error('coordinator not available');
        },
        closed: () => false,
      },
      silent,
      'g1',
      20_000,
      async (ms) => void steps.push(`wait ${ms}`),
    );
    await recovery.replace();
    expect(steps).toEqual(['stop', 'start', 'wait 1000', 'start', 'wait 2000', 'start', 'wait 4000', 'start', 'wait 8000', 'start', 'wait 16000', 'start', 'wait 20000', 'start']);
  });

  it('a consumer its owner stopped meanwhile is not started again', async () => {
    let closed = false;
    let starts = 0;
    const recovery = new CrashRecovery(
      {
        stop: async () => undefined,
        start: async () => {
          starts += 1;
          closed = true;
          throw new Error('stopping');
        },
        closed: () => closed,
      },
      silent,
      'g1',
      30_000,
      async () => undefined,
    );
    await recovery.replace();
    expect(starts).toBe(1);
  });

  it('two crashes at once make one replacement', async () => {
    let starts = 0;
    let release: () => void = () => undefined;
    const gate = new Promise<void>((resolve) => (release = resolve));
    const recovery = new CrashRecovery({ stop: () => gate, start: async () => void (starts += 1), closed: () => false }, silent, 'g1');
    const first = recovery.replace();
    const second = recovery.replace();
    release();
    await Promise.all([first, second]);
    expect(starts).toBe(1);
  });
});
