import { bankCallCompleted } from '@custody/contracts';
import type Redis from 'ioredis';
import type { RedisKeys } from '../platform/redis-client';
import type { CallCompletion } from './bank-call.types';

/**
 * Completions already decided, by callId, so a redelivered call gets the same answer again. An
 * optimisation only: without its record a redelivered call finds its durable claim, which keeps it from
 * being written again (see BankCallHandler).
 */
export interface CompletedCallStore {
  find(callId: string): Promise<CallCompletion | undefined>;
  remember(completion: CallCompletion): Promise<void>;
}

/**
 * A week and a day: redeliveries come within minutes of a crash or rebalance, so nearly all find their record —
 * as long as Redis keeps it; any other is answered from the call's claim (see BankCallHandler).
 */
const RECORD_TTL_MS = 8 * 24 * 60 * 60 * 1000;

export class RedisCompletedCallStore implements CompletedCallStore {
  constructor(
    private readonly redis: Redis,
    private readonly keys: RedisKeys,
  ) {}

  async find(callId: string): Promise<CallCompletion | undefined> {
    const raw = await this.redis.get(this.keys.completedCall(callId));
    if (!raw) return undefined;
    const parsed = bankCallCompleted.schema.safeParse(JSON.parse(raw));
    return parsed.success ? parsed.data : undefined;
  }

  async remember(completion: CallCompletion): Promise<void> {
    await this.redis.set(this.keys.completedCall(completion.callId), JSON.stringify(completion), 'PX', RECORD_TTL_MS);
  }
}
