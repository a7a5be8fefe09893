import type Redis from 'ioredis';
import type { RedisKeys } from '../platform/redis-client';

/**
 * Which replica reports a reply whose adapter instance is gone, shared by the replicas of one bank. The reply's
 * route (instance, session, request) travels inside the Kafka messages, so nothing else about it is kept here.
 */
export interface OrphanedReplies {
  /** True for exactly one caller per inboundId: that caller reports the orphaned reply. */
  claim(inboundId: string, ttlMs: number): Promise<boolean>;
}

export class RedisOrphanedReplies implements OrphanedReplies {
  constructor(
    private readonly redis: Redis,
    private readonly keys: RedisKeys,
  ) {}

  async claim(inboundId: string, ttlMs: number): Promise<boolean> {
    return (await this.redis.set(this.keys.orphanedReply(inboundId), '1', 'PX', ttlMs, 'NX')) === 'OK';
  }
}
