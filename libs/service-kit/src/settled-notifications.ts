import { Logger } from '@nestjs/common';
import { Client } from 'pg';
import type { EntityManager } from 'typeorm';

/**
 * Wakes HTTP callers waiting (`waitMs`) for a resource the moment the transaction that settles it commits,
 * through PostgreSQL LISTEN/NOTIFY, instead of every waiter polling the database. The notification is only
 * a wake-up: the waiter re-reads the row, and keeps a slow poll in case the listener is reconnecting.
 */
export class SettledNotifications {
  private readonly logger = new Logger(SettledNotifications.name);
  private readonly waiters = new Map<string, Set<() => void>>();
  private client: Client | undefined;
  private stopped = false;

  constructor(
    private readonly databaseUrl: string,
    readonly channel: string,
  ) {
    if (!/^[a-z_]{1,63}$/.test(channel)) throw new Error(`bad channel name ${channel}`);
  }

  async start(): Promise<void> {
    this.stopped = false;
    const client = new Client({ connectionString: this.databaseUrl, application_name: `${this.channel}-listener` });
    client.on('notification', (message) => this.wake(message.payload ?? ''));
    client.on('error', (error) => {
      this.logger.warn({ err: error }, 'settlement listener lost; waiters poll until it is back');
      this.client = undefined;
      if (!this.stopped) setTimeout(() => void this.start().catch(() => undefined), 1000);
    });
    await client.connect();
    await client.query(`LISTEN ${this.channel}`);
    this.client = client;
  }

  async stop(): Promise<void> {
    this.stopped = true;
    await this.client?.end().catch(() => undefined);
    this.client = undefined;
  }

  /** Called inside the settling transaction; PostgreSQL delivers it only if that transaction commits. */
  async announce(manager: EntityManager, id: string): Promise<void> {
    await manager.query('SELECT pg_notify($1, $2)', [this.channel, id]);
  }

  /** Resolves when `id` is announced or after `timeoutMs`, whichever comes first. */
  changed(id: string, timeoutMs: number): Promise<void> {
    return new Promise((resolve) => {
      const set = this.waiters.get(id) ?? new Set<() => void>();
      const done = () => {
        clearTimeout(timer);
        set.delete(done);
        if (set.size === 0) this.waiters.delete(id);
        resolve();
      };
      const timer = setTimeout(done, timeoutMs);
      set.add(done);
      this.waiters.set(id, set);
    });
  }

  private wake(id: string): void {
    for (const done of [...(this.waiters.get(id) ?? [])]) done();
  }
}
