import type Redis from 'ioredis';
import { type AdapterLogger, describeError } from '../platform/adapter-logger';
import type { RedisKeys } from '../platform/redis-client';
import type { SessionView } from './bank-session';

/** What one adapter process tells its replicas (and a later `/v1/banks`) about itself. */
export interface InstanceRecord {
  readonly instanceId: string;
  readonly bankCode: string;
  readonly startedAt: string;
  readonly updatedAt: string;
  readonly sessions: { readonly up: number; readonly total: number; readonly detail: readonly SessionView[] };
  readonly breaker: string;
}

/**
 * Shared session state. Losing it loses no money: each process still knows its own sessions; only
 * the replicas' view of each other and the orphaned-reply report depend on it.
 */
export interface SessionRegistry {
  announce(record: InstanceRecord): Promise<void>;
  withdraw(instanceId: string): Promise<void>;
  instances(): Promise<InstanceRecord[]>;
  /** Whether an instance has announced itself lately; undefined when the registry cannot tell. */
  isAlive(instanceId: string): Promise<boolean | undefined>;
}

export class RedisSessionRegistry implements SessionRegistry {
  constructor(
    private readonly redis: Redis,
    private readonly keys: RedisKeys,
    /** A record outlives a few missed refreshes, then a crashed instance disappears by itself. */
    private readonly ttlMs: number,
  ) {}

  async announce(record: InstanceRecord): Promise<void> {
    await this.redis.set(this.keys.instance(record.instanceId), JSON.stringify(record), 'PX', this.ttlMs);
  }

  async withdraw(instanceId: string): Promise<void> {
    await this.redis.del(this.keys.instance(instanceId));
  }

  async instances(): Promise<InstanceRecord[]> {
    const found: InstanceRecord[] = [];
    let cursor = '0';
    do {
      const [next, keys] = await this.redis.scan(cursor, 'MATCH', this.keys.instancePattern(), 'COUNT', 100);
      cursor = next;
      const values = keys.length > 0 ? await this.redis.mget(...keys) : [];
      for (const value of values) if (value) found.push(JSON.parse(value) as InstanceRecord);
    } while (cursor !== '0');
    return found;
  }

  async isAlive(instanceId: string): Promise<boolean | undefined> {
    try {
      return (await this.redis.exists(this.keys.instance(instanceId))) === 1;
    } catch {
      return undefined;
    }
  }
}

/** Re-announces this instance on every change and on a timer, so its record never goes stale. */
export class InstanceAnnouncer {
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly registry: SessionRegistry,
    private readonly snapshot: () => InstanceRecord,
    private readonly refreshMs: number,
    private readonly logger: AdapterLogger,
  ) {}

  start(): void {
    this.announceNow();
    this.timer = setInterval(() => this.announceNow(), this.refreshMs);
    this.timer.unref();
  }

  announceNow(): void {
    this.registry.announce(this.snapshot()).catch((error: unknown) => this.logger.debug({ error: describeError(error) }, 'session registry not updated'));
  }

  async stop(instanceId: string): Promise<void> {
    clearInterval(this.timer);
    await this.registry.withdraw(instanceId).catch(() => undefined);
  }
}
