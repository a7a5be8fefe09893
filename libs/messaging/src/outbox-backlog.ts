import { qualifiedTable } from '@custody/persistence';
import type { DataSource } from 'typeorm';
import { OUTBOX_TABLE } from './outbox-inbox.migration';

export interface OutboxBacklogFigures {
  /** Rows committed and not yet acknowledged by Kafka. */
  unpublished: number;
  /** How long the oldest of them has waited, in seconds; 0 when there is none. */
  oldestAgeSeconds: number;
}

/**
 * What a schema's outbox still has to publish, read when metrics are scraped (never per message). Both figures come
 * through the partial index of unpublished rows (`outbox_unpublished_idx`), which holds only what waits: a handful of
 * rows when the relay keeps up, and the oldest is the first in id order.
 */
export class OutboxBacklog {
  private readonly sql: string;

  constructor(
    private readonly dataSource: DataSource,
    readonly schema: string,
  ) {
    const table = qualifiedTable(schema, OUTBOX_TABLE);
    this.sql = `SELECT (SELECT count(*)::int FROM ${table} WHERE published_at IS NULL) AS unpublished,
                       coalesce((SELECT extract(epoch FROM clock_timestamp() - created_at)::float8 FROM ${table} WHERE published_at IS NULL ORDER BY id LIMIT 1), 0) AS oldest_age_seconds`;
  }

  async read(): Promise<OutboxBacklogFigures> {
    const [row]: Array<{ unpublished: number; oldest_age_seconds: number }> = await this.dataSource.query(this.sql);
    return { unpublished: row.unpublished, oldestAgeSeconds: Math.max(0, row.oldest_age_seconds) };
  }
}
