import { setTimeout as sleep } from 'node:timers/promises';
import { Logger } from '@nestjs/common';
import { afterCommit } from '@custody/persistence';
import Redis, { type RedisOptions } from 'ioredis';
import type { EntityManager } from 'typeorm';
import { TopicNamespace } from './namespace';

export interface SettledNotificationsOptions {
  /** Where the waiters of other replicas are told. Without it only this process's waiters are woken (one-process tests). */
  redisUrl?: string;
  /** The stack's namespace, so that stacks sharing one Redis do not wake each other's waiters. */
  namespace?: TopicNamespace;
}

/** How long `start` waits for the subscription; a Redis that is away must not keep the service from starting. */
const SUBSCRIBE_WAIT_MS = 2_000;

/**
 * Wakes HTTP callers waiting (`waitMs`) for a resource the moment the transaction that settles it commits,
 * instead of every waiter polling the database. The wake is only that: the waiter re-reads the row, and keeps
 * a slow poll for a wake that was lost.
 *
 * Not `pg_notify`: its lock at commit serialises every committing transaction of the database. The waiters of
 * this process are woken after the commit (`afterCommit`); those of the other replicas — the consumer that
 * settles a transfer runs on whichever replica owns the partition, mostly not the one holding the HTTP call —
 * through Redis pub/sub, published after the commit too. Redis may lose a wake (it is down, a subscriber is
 * reconnecting): that waiter then answers at its slow poll, later but no less right. Their slow poll alone
 * would keep every cross-replica caller waiting up to its bound (1 s) after the outcome is known.
 */
export class SettledNotifications {
  private readonly logger = new Logger(SettledNotifications.name);
  private readonly waiters = new Map<string, Set<(settled?: unknown) => void>>();
  private readonly redisChannel: string;
  private publisher: Redis | undefined;
  private subscriber: Redis | undefined;
  private lastRedisWarning = 0;

  constructor(
    readonly channel: string,
    private readonly options: SettledNotificationsOptions = {},
  ) {
    if (!/^[a-z0-9_]{1,63}$/.test(channel)) throw new Error(`bad channel name ${channel}`);
    this.redisChannel = `${(options.namespace ?? new TopicNamespace('')).name('custody.settled')}:${channel}`;
  }

  async start(): Promise<void> {
    const url = this.options.redisUrl;
    if (!url || this.subscriber) return;
    const common: RedisOptions = { connectTimeout: 2_000, retryStrategy: (times) => Math.min(200 * times, 5_000) };
    // A wake published while Redis is away fails at once rather than queueing: by the time it could go, it is stale.
    const publisher = new Redis(url, { ...common, enableOfflineQueue: false, maxRetriesPerRequest: 1 });
    // The subscriber subscribes again by itself after every reconnect.
    const subscriber = new Redis(url, common);
    for (const connection of [publisher, subscriber]) connection.on('error', (error: unknown) => this.redisUnavailable(error));
    subscriber.on('message', (_channel: string, id: string) => this.wake(id));
    this.publisher = publisher;
    this.subscriber = subscriber;
    const subscribed = await Promise.race([
      subscriber.subscribe(this.redisChannel).then(
        () => true,
        () => false,
      ),
      sleep(SUBSCRIBE_WAIT_MS, false, { ref: false }),
    ]);
    if (!subscribed) this.logger.warn({ channel: this.redisChannel }, 'not subscribed to settlements yet (Redis away?): waiters here poll until it is back');
  }

  stop(): Promise<void> {
    for (const connection of [this.publisher, this.subscriber]) connection?.disconnect();
    this.publisher = undefined;
    this.subscriber = undefined;
    return Promise.resolve();
  }

  /**
   * Called inside the settling transaction: the waiters are woken once it has committed, never if it rolls back
   * (a waiter woken before the commit would read the old row and sleep again). `settled`: the resource as that
   * transaction wrote it, handed to this process's waiters so that they need not read it again (issue 9: a statement
   * per transfer); the other replicas' waiters, woken through Redis, read it.
   */
  announce(manager: EntityManager, id: string, settled?: unknown): void {
    afterCommit(manager, `settled:${this.channel}:${id}`, () => {
      this.wake(id, settled);
      this.publisher?.publish(this.redisChannel, id).catch((error: unknown) => this.redisUnavailable(error));
    });
  }

  /** Resolves when `id` is announced or after `timeoutMs`, whichever comes first. */
  async changed(id: string, timeoutMs: number): Promise<void> {
    await this.settlement(id, timeoutMs);
  }

  /**
   * `changed`, resolving with what the announcing transaction handed in when it committed in this process; undefined
   * after a timeout or a wake from another replica (which must read the resource).
   */
  settlement(id: string, timeoutMs: number): Promise<unknown> {
    return new Promise((resolve) => {
      const set = this.waiters.get(id) ?? new Set<(settled?: unknown) => void>();
      const done = (settled?: unknown) => {
        clearTimeout(timer);
        set.delete(done);
        if (set.size === 0) this.waiters.delete(id);
        resolve(settled);
      };
      const timer = setTimeout(() => done(), timeoutMs);
      set.add(done);
      this.waiters.set(id, set);
    });
  }

  private wake(id: string, settled?: unknown): void {
    for (const done of [...(this.waiters.get(id) ?? [])]) done(settled);
  }

  private redisUnavailable(error: unknown): void {
    // A dead Redis reports every reconnect attempt; one line a minute says enough.
    if (Date.now() - this.lastRedisWarning < 60_000) return;
    this.lastRedisWarning = Date.now();
    this.logger.warn({ err: error }, 'Redis unavailable: waiters in other replicas answer at their slow poll');
  }
}
