import { qualifiedTable } from '@custody/persistence';
import type { DataSource, EntityManager } from 'typeorm';
import { INBOX_TABLE } from './outbox-inbox.migration';

export interface InboxEntry {
  consumerGroup: string;
  messageId: string;
  messageType: string;
  topic: string;
  partition: number;
  offset: string;
}

/**
 * Records that `consumerGroup` applies `messageId`, inside the transaction of the effect. Returns
 * false when it is already recorded: the effect was committed before, so this delivery is a
 * duplicate and must do nothing. If another transaction is applying the same message right now
 * (two consumers during a rebalance), the insert waits for it and then returns false.
 */
export async function claimInboxEntry(manager: EntityManager, schema: string, entry: InboxEntry): Promise<boolean> {
  const rows: unknown[] = await manager.query(
    `INSERT INTO ${qualifiedTable(schema, INBOX_TABLE)} (consumer_group, message_id, message_type, topic, kafka_partition, kafka_offset)
     VALUES ($1, $2, $3, $4, $5, $6)
     ON CONFLICT (consumer_group, message_id) DO NOTHING
     RETURNING message_id`,
    [entry.consumerGroup, entry.messageId, entry.messageType, entry.topic, entry.partition, entry.offset],
  );
  return rows.length === 1;
}

/**
 * Forgets inbox entries older than `olderThanMs`. Keep them longer than any message can be
 * redelivered: the topic retention plus the outbox retention (a relay may republish until a row is
 * pruned). Returns how many were deleted.
 */
export async function pruneInbox(dataSource: DataSource, schema: string, olderThanMs: number): Promise<number> {
  const result: [unknown[], number] = await dataSource.query(
    `DELETE FROM ${qualifiedTable(schema, INBOX_TABLE)} WHERE processed_at < now() - make_interval(secs => $1)`,
    [olderThanMs / 1000],
  );
  return result[1];
}
