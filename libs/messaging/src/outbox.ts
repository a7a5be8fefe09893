import type { EventEnvelope, TopicDef } from '@custody/contracts';
import { assertSqlIdentifier, expiredRows, qualifiedTable, type RetentionTask } from '@custody/persistence';
import type { EntityManager } from 'typeorm';
import { newEnvelope, type EnvelopeOptions } from './envelope.factory';
import type { MessagePublisher } from './message-publisher';
import { OUTBOX_TABLE } from './outbox-inbox.migration';

/** The channel a relay LISTENs on; `pg_notify` from an outbox write is delivered when it commits. */
export function outboxChannel(schema: string): string {
  return `${assertSqlIdentifier(schema, 'schema')}_outbox`;
}

export class OutboxOutsideTransactionError extends Error {}

export interface OutboxOptions {
  /** Wake relays the moment the transaction commits rather than at their next poll. Default true. */
  notify?: boolean;
}

/**
 * The transactional outbox (spec/architecture.md "Communication"): a message is a row written in the
 * same database transaction as the state change, and `OutboxRelay` publishes committed rows. So a
 * rolled-back change publishes nothing and a committed one is published even if the process dies.
 *
 * Order: rows are published in id order, and an id is taken when the row is written. Write the
 * message after the state change that locks the aggregate (e.g. the ledger row of the fund
 * account), so that two transactions on one key get their ids in commit order.
 */
export class Outbox implements MessagePublisher {
  private readonly table: string;
  private readonly channel: string;
  private readonly notify: boolean;

  constructor(
    readonly schema: string,
    options: OutboxOptions = {},
  ) {
    this.table = qualifiedTable(schema, OUTBOX_TABLE);
    this.channel = outboxChannel(schema);
    this.notify = options.notify ?? true;
  }

  async add<T>(manager: EntityManager, topic: TopicDef<T>, payload: T, options: EnvelopeOptions): Promise<EventEnvelope<T>> {
    // Outside a transaction the row would commit on its own: exactly the dual write the outbox exists to prevent.
    if (!manager.queryRunner?.isTransactionActive) {
      throw new OutboxOutsideTransactionError(
        `Outbox.add(${topic.name}) needs the EntityManager of the transaction that changes the state (dataSource.transaction(manager => ...))`,
      );
    }
    const envelope = newEnvelope(topic, payload, options);
    await manager.query(`INSERT INTO ${this.table} (message_id, topic, message_key, envelope) VALUES ($1, $2, $3, $4)`, [
      envelope.id,
      topic.name,
      envelope.key,
      JSON.stringify(envelope),
    ]);
    if (this.notify) await manager.query('SELECT pg_notify($1, $2)', [this.channel, '']);
    return envelope;
  }

  /** `MessagePublisher`'s name for {@link add}. */
  publish<T>(manager: EntityManager, topic: TopicDef<T>, payload: T, options: EnvelopeOptions): Promise<EventEnvelope<T>> {
    return this.add(manager, topic, payload, options);
  }
}

/**
 * Published rows are kept a while for investigation, then forgotten: once Kafka acknowledged a row nothing
 * reads it again (consumers de-duplicate by their inbox). Unpublished rows are never pruned.
 */
export function outboxRetention(schema: string, retentionMs: number): RetentionTask {
  return expiredRows({ name: `${schema}.outbox`, table: qualifiedTable(schema, OUTBOX_TABLE), timestampColumn: 'published_at', retentionMs });
}
