import type { ConsumerHealth } from '@custody/messaging';
import { consumerHealthIndicator, consumerStuckAfterMsFrom } from './consumer-health';

const stuckMessage = {
  groupId: 'transfer',
  topic: 'custody.internal.transfer.outcome.1',
  partition: 3,
  offset: '41',
  messageId: 'm-1',
  since: '2026-11-20T01:02:03.000Z',
  attempts: 7,
  lastError: 'deadlock detected',
};

function consumerWith(stuck: ConsumerHealth['stuck']): { health(): ConsumerHealth } {
  return { health: () => ({ running: true, stuck }) };
}

describe('consumer health', () => {
  it('CONSUMER_STUCK_AFTER_MS defaults to 60 s and is read as milliseconds', () => {
    expect(consumerStuckAfterMsFrom({})).toBe(60_000);
    expect(consumerStuckAfterMsFrom({ CONSUMER_STUCK_AFTER_MS: '500' })).toBe(500);
  });

  it.each(['abc', '0', '-5', '1.5'])('refuses CONSUMER_STUCK_AFTER_MS=%s', (raw) => {
    expect(() => consumerStuckAfterMsFrom({ CONSUMER_STUCK_AFTER_MS: raw })).toThrow('CONSUMER_STUCK_AFTER_MS must be a whole number of milliseconds, at least 1');
  });

  it('is up and not degraded while nothing is stuck', async () => {
    expect(await consumerHealthIndicator([consumerWith([])])()).toEqual({ consumers: { status: 'up', degraded: false, stuck: [] } });
  });

  it('stays up (no restart, no removal from service) but is degraded, naming every stuck message of every consumer', async () => {
    const other = { ...stuckMessage, groupId: 'bank-adapter-1021000', offset: '9' };
    expect(await consumerHealthIndicator([consumerWith([stuckMessage]), consumerWith([other])])()).toEqual({
      consumers: { status: 'up', degraded: true, stuck: [stuckMessage, other] },
    });
  });
});
