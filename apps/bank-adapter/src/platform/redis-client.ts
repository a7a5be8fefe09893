import Redis from 'ioredis';
import type { TopicNamespace } from '@custody/service-kit';
import { type AdapterLogger, describeError } from './adapter-logger';

/**
 * Redis holds what replicas share and may lose without losing money (architecture.md). So every
 * command fails fast instead of queueing while Redis is away (no offline queue, one retry), and
 * callers treat a failure as "no shared state right now", never as a reason to stop the bank traffic.
 */
export function createRedis(url: string, logger: AdapterLogger): Redis {
  const redis = new Redis(url, {
    lazyConnect: true,
    enableOfflineQueue: false,
    maxRetriesPerRequest: 1,
    connectTimeout: 2_000,
    retryStrategy: (times) => Math.min(200 * times, 5_000),
  });
  let lastLogged = 0;
  redis.on('error', (error: unknown) => {
    // A dead Redis reports every reconnect attempt; one line a minute says enough.
    if (Date.now() - lastLogged < 60_000) return;
    lastLogged = Date.now();
    logger.warn({ error: describeError(error) }, 'Redis unavailable; shared session state and routing are degraded, bank traffic goes on');
  });
  redis.connect().catch(() => undefined);
  return redis;
}

/**
 * Every key the adapter writes, in one place. Keys carry the stack's namespace (like topics) so that
 * a system-test stack and a developer stack can share one Redis.
 */
export class RedisKeys {
  private readonly root: string;

  constructor(
    namespace: TopicNamespace,
    private readonly bankCode: string,
  ) {
    this.root = namespace.name('custody.bank-adapter');
  }

  /** One record per adapter process: its sessions (which are up, since when) and breaker state. */
  instance(instanceId: string): string {
    return `${this.root}:${this.bankCode}:instance:${instanceId}`;
  }

  instancePattern(): string {
    return `${this.root}:${this.bankCode}:instance:*`;
  }

  /** Set once by whichever replica first notices a reply whose instance is gone, so it is reported once. */
  orphanedReply(inboundId: string): string {
    return `${this.root}:${this.bankCode}:orphaned-reply:${inboundId}`;
  }

  /** The completion published for a call, so a redelivered call is answered without a second bank call. */
  completedCall(callId: string): string {
    return `${this.root}:${this.bankCode}:call:${callId}`;
  }

  /**
   * System-message serial counter per business date. Shared by the adapters of every bank: the
   * serials of one issuer (the broker's InstId) must be unique across all its banks.
   */
  serialCounter(compactDate: string): string {
    return `${this.root}:serial:${compactDate}`;
  }
}

/**
 * Gives a starting Redis a moment to connect (the serial counter and the registry are better with it),
 * then goes on regardless: the adapter must also start while Redis is down.
 */
export function redisReady(redis: Redis, timeoutMs: number): Promise<boolean> {
  if (redis.status === 'ready') return Promise.resolve(true);
  return new Promise((resolve) => {
    const timer = setTimeout(() => finish(false), timeoutMs);
    const onReady = () => finish(true);
    function finish(ready: boolean): void {
      clearTimeout(timer);
      redis.off('ready', onReady);
      resolve(ready);
    }
    redis.on('ready', onReady);
  });
}
