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
 * The inbox entries one transaction claimed for all the messages it is about to apply, in one statement (issue 9:
 * a transaction shared by three messages made three round trips for them). What each message's handler then asks is
 * answered from here; what was claimed for a message the transaction did not apply after all is given back before
 * it commits.
 */
export class InboxClaims {
  private readonly byTransaction = new WeakMap<EntityManager, ClaimedInTransaction>();

  constructor(
    private readonly schema: string,
    private readonly consumerGroup: string,
  ) {}

  /**
   * Claims `entries` in `manager`'s transaction. Sorted by message id, so that two transactions claiming overlapping
   * sets (two consumers during a rebalance) wait on each other instead of deadlocking; one that waits gets false for
   * what the other committed, as `claimInboxEntry` does.
   */
  async claimAll(manager: EntityManager, entries: ReadonlyArray<Omit<InboxEntry, 'consumerGroup'>>): Promise<void> {
    const sorted = [...entries].sort((a, b) => (a.messageId < b.messageId ? -1 : a.messageId > b.messageId ? 1 : 0));
    const rows: Array<{ message_id: string }> = await manager.query(
      `INSERT INTO ${qualifiedTable(this.schema, INBOX_TABLE)} (consumer_group, message_id, message_type, topic, kafka_partition, kafka_offset)
       SELECT $1, message_id, message_type, topic, kafka_partition, kafka_offset
       FROM unnest($2::uuid[], $3::text[], $4::text[], $5::integer[], $6::bigint[]) AS entry (message_id, message_type, topic, kafka_partition, kafka_offset)
       ON CONFLICT (consumer_group, message_id) DO NOTHING
       RETURNING message_id`,
      [
        this.consumerGroup,
        sorted.map((entry) => entry.messageId),
        sorted.map((entry) => entry.messageType),
        sorted.map((entry) => entry.topic),
        sorted.map((entry) => entry.partition),
        sorted.map((entry) => entry.offset),
      ],
    );
    // PostgreSQL answers a uuid in its canonical lower case, whatever case the envelope wrote it in.
    this.byTransaction.set(manager, { asked: new Set(entries.map((entry) => canonicalUuid(entry.messageId))), fresh: new Set(rows.map((row) => row.message_id)) });
  }

  /**
   * Whether this delivery of `messageId` is the first, as `claimAll` found it: true once (a second delivery of the
   * same message in the transaction is a duplicate), undefined when the transaction did not claim it beforehand.
   */
  take(manager: EntityManager, messageId: string): boolean | undefined {
    const claimed = this.byTransaction.get(manager);
    const id = canonicalUuid(messageId);
    if (!claimed?.asked.has(id)) return undefined;
    return claimed.fresh.delete(id);
  }

  /** Gives back what was claimed for `messageIds` and not taken: those messages were not applied in this transaction. */
  async giveBack(manager: EntityManager, messageIds: readonly string[]): Promise<void> {
    const claimed = this.byTransaction.get(manager);
    const untaken = messageIds.map(canonicalUuid).filter((id) => claimed?.fresh.delete(id));
    if (untaken.length === 0) return;
    await manager.query(`DELETE FROM ${qualifiedTable(this.schema, INBOX_TABLE)} WHERE consumer_group = $1 AND message_id = ANY($2::uuid[])`, [this.consumerGroup, untaken]);
  }
}

function canonicalUuid(id: string): string {
  return id.toLowerCase();
}

interface ClaimedInTransaction {
  /** Every message id the transaction claimed for. */
  readonly asked: ReadonlySet<string>;
  /** Those that were not yet in the inbox and are not yet taken by their handler. */
  readonly fresh: Set<string>;
}

/**
 * Forgets inbox entries processed longer ago than `retentionMs`. An entry must outlive every redelivery of its
 * message, i.e. the longest the message can stay in its topic (`redeliveryHorizonMs`): a message is processed
 * only after it was written, so an entry kept that long after processing is never needed again.
 */
export function inboxRetention(schema: string, retentionMs: number): RetentionTask {
  return expiredRows({ name: `${schema}.inbox`, table: qualifiedTable(schema, INBOX_TABLE), timestampColumn: 'processed_at', retentionMs });
}
