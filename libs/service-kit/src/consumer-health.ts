import { type ConsumerHealth, DEFAULT_STUCK_AFTER_MS } from '@custody/messaging';
import type { HealthIndicatorFunction, HealthIndicatorResult } from '@nestjs/terminus';

/**
 * CONSUMER_STUCK_AFTER_MS: how long one message may hold its partition before `/health` turns
 * `degraded` and an ERROR line names it. Default 60 s: longer than the retries of a brief outage
 * (a database failover, a broker restart), short enough that an operator hears of a real one.
 */
export function consumerStuckAfterMsFrom(env: NodeJS.ProcessEnv = process.env): number {
  const raw = env.CONSUMER_STUCK_AFTER_MS;
  if (raw === undefined || raw === '') return DEFAULT_STUCK_AFTER_MS;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < 1) throw new Error('CONSUMER_STUCK_AFTER_MS must be a whole number of milliseconds, at least 1');
  return value;
}

/**
 * The `consumers` entry of `/health`: always `up` (a stuck message is no reason to stop serving or to
 * restart), `degraded: true` with every stuck message (group, topic, partition, offset, message id,
 * since, attempts, last error) while one holds its partition.
 */
export function consumerHealthIndicator(consumers: ReadonlyArray<{ health(): ConsumerHealth }>): HealthIndicatorFunction {
  return async (): Promise<HealthIndicatorResult> => {
    const stuck = consumers.flatMap((consumer) => consumer.health().stuck);
    return { consumers: { status: 'up', degraded: stuck.length > 0, stuck } };
  };
}
