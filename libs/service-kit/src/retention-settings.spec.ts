import { DAY_MS, RetentionSettings } from './retention-settings';
import { inboxRetentionFor } from './service-retention';

describe('retention settings (docs/design.md "Retention")', () => {
  it('defaults when nothing is set: every 10 min, batches of 500, 100 ms apart; each kind its own default', () => {
    const settings = RetentionSettings.fromEnv({});
    expect([settings.intervalMs, settings.batchSize, settings.pauseMs]).toEqual([600_000, 500, 100]);
    expect(settings.keepMs('IDEMPOTENCY', 30)).toBe(30 * DAY_MS);
  });

  it('CUSTODY_RETENTION_<KIND>_DAYS overrides a default, in days (decimals allowed)', () => {
    expect(RetentionSettings.fromEnv({ CUSTODY_RETENTION_IDEMPOTENCY_DAYS: '45' }).keepMs('IDEMPOTENCY', 30)).toBe(45 * DAY_MS);
    expect(RetentionSettings.fromEnv({ CUSTODY_RETENTION_SAGA_TIMERS_DAYS: '0.5' }).keepMs('SAGA_TIMERS', 7)).toBe(DAY_MS / 2);
  });

  it.each(['0', '-3', 'thirty', 'Infinity'])('a retention of %p days stops the start instead of pruning by a guess', (days) => {
    expect(() => RetentionSettings.fromEnv({ CUSTODY_RETENTION_INBOX_DAYS: days }).keepMs('INBOX', 30)).toThrow(/CUSTODY_RETENTION_INBOX_DAYS must be a positive number of days/);
  });

  it.each([
    ['CUSTODY_RETENTION_INTERVAL_MS', '0'],
    ['CUSTODY_RETENTION_BATCH_SIZE', '2.5'],
    ['CUSTODY_RETENTION_PAUSE_MS', '-1'],
  ])('%s=%p is refused', (name, value) => {
    expect(() => RetentionSettings.fromEnv({ [name]: value })).toThrow(new RegExp(`${name} must be a whole number`));
  });
});

describe('inbox retention against Kafka’s redelivery horizon', () => {
  it('a configured retention longer than any redelivery (plus a day) is used as it is', () => {
    expect(inboxRetentionFor(30 * DAY_MS, 14 * DAY_MS)).toBe(30 * DAY_MS);
  });

  it('a configured retention shorter than a possible redelivery is raised to the horizon plus a day', () => {
    expect(inboxRetentionFor(3 * DAY_MS, 14 * DAY_MS)).toBe(15 * DAY_MS);
  });

  it('a topic that keeps messages forever means inbox entries are never pruned', () => {
    expect(inboxRetentionFor(30 * DAY_MS, Infinity)).toBeUndefined();
  });
});
