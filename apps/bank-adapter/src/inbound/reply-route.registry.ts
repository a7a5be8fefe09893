import type Redis from 'ioredis';
import type { RedisKeys } from '../platform/redis-client';
import type { BankRequestReceived } from './inbound-request.mapper';

export type ReplyRoute = BankRequestReceived['route'];

/**
 * Request-reply routing shared by the replicas of one bank: which instance and session hold each
 * pending bank request. The route also travels inside the Kafka messages, so losing Redis loses only
 * the replicas' ability to notice replies whose instance is gone.
 */
export interface ReplyRouteRegistry {
  remember(inboundId: string, route: ReplyRoute, ttlMs: number): Promise<void>;
  forget(inboundId: string): Promise<void>;
  /** True for exactly one caller per inboundId: that caller reports the orphaned reply. */
  claimOrphan(inboundId: string, ttlMs: number): Promise<boolean>;
}

export class RedisReplyRouteRegistry implements ReplyRouteRegistry {
  constructor(
    private readonly redis: Redis,
    private readonly keys: RedisKeys,
  ) {}

  async remember(inboundId: string, route: ReplyRoute, ttlMs: number): Promise<void> {
    await this.redis.set(this.keys.route(inboundId), JSON.stringify(route), 'PX', ttlMs);
  }

  async forget(inboundId: string): Promise<void> {
    await this.redis.del(this.keys.route(inboundId));
  }

  async claimOrphan(inboundId: string, ttlMs: number): Promise<boolean> {
    return (await this.redis.set(this.keys.orphanedReply(inboundId), '1', 'PX', ttlMs, 'NX')) === 'OK';
  }
}
