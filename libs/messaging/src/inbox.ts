import { expiredRows, qualifiedTable, type RetentionTask } from '@custody/persistence';
import type { EntityManager } from 'typeorm';
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
 * Forgets inbox entries processed longer ago than `retentionMs`. An entry must outlive every redelivery of its
 * message, i.e. the longest the message can stay in its topic (`redeliveryHorizonMs`): a message is processed
 * only after it was written, so an entry kept that long after processing is never needed again.
 */
export function inboxRetention(schema: string, retentionMs: number): RetentionTask {
  return expiredRows({ name: `${schema}.inbox`, table: qualifiedTable(schema, INBOX_TABLE), timestampColumn: 'processed_at', retentionMs });
}
