import { RecordingLogger } from '@custody/testing';
import { StuckMessageMonitor } from './stuck-monitor';

const delivery = { topic: 'custody.internal.transfer.outcome.1', partition: 3, offset: '41' };

describe('stuck messages', () => {
  beforeEach(() => jest.useFakeTimers({ now: new Date('2026-11-20T01:00:00.000Z') }));
  afterEach(() => jest.useRealTimers());

  function monitor(logger: RecordingLogger): StuckMessageMonitor {
    return new StuckMessageMonitor({ groupId: 'transfer', stuckAfterMs: 60_000, logger, retryIntervalMs: 30_000, windowed: false });
  }

  it('a message settled within stuckAfterMs is never reported, however often it failed', () => {
    const logger = new RecordingLogger();
    const watch = monitor(logger);
    const watched = watch.begin(delivery, 'm-1');
    for (let i = 0; i < 5; i += 1) watch.failed(watched, new Error('deadlock detected'));
    jest.advanceTimersByTime(59_999);
    expect(watch.stuck()).toEqual([]);
    watch.end(watched, 'settled');
    jest.advanceTimersByTime(60_000);
    expect(watch.stuck()).toEqual([]);
    expect(logger.entries).toEqual([]);
  });

  it('past stuckAfterMs it is listed and logged once at ERROR (what, since when, last error, what to do); settling clears it with a WARN', () => {
    const logger = new RecordingLogger();
    const watch = monitor(logger);
    const watched = watch.begin(delivery, 'm-1');
    watch.failed(watched, new Error('deadlock detected'));
    jest.advanceTimersByTime(60_000);
    const expected = { groupId: 'transfer', ...delivery, messageId: 'm-1', since: '2026-11-20T01:00:00.000Z', attempts: 1, lastError: 'deadlock detected' };
    expect(watch.stuck()).toEqual([expected]);
    jest.advanceTimersByTime(600_000);
    expect(logger.entries).toEqual([
      {
        level: 'error',
        message:
          'PARTITION STUCK: custody.internal.transfer.outcome.1[3] has been on offset 41 (message m-1) since 2026-11-20T01:00:00.000Z; nothing behind it on the partition is applied; last error: deadlock detected',
        fields: { ...expected, stuckAfterMs: 60_000, action: expect.stringMatching(/^It is retried .* never skipped\. .*Never move the group’s offset past it by hand/) },
      },
    ]);
    watch.end(watched, 'settled');
    expect(watch.stuck()).toEqual([]);
    expect(logger.entries[1]).toMatchObject({ level: 'warn', message: 'stuck message settled; its partition moves again', fields: { offset: '41', stuckForMs: 660_000 } });
  });
});
