import type { EventEnvelope, TopicDef } from '@custody/contracts';
import { afterCommit, expiredRows, qualifiedTable, writeAtCommit, type RetentionTask } from '@custody/persistence';
import type { DataSource, EntityManager } from 'typeorm';
import { newEnvelope, type EnvelopeOptions } from './envelope.factory';
import type { MessagePublisher } from './message-publisher';
import { OUTBOX_TABLE } from './outbox-inbox.migration';
import { activeTraceHeaders } from './trace-context';

export class OutboxOutsideTransactionError extends Error {}

interface OutboxRow {
  topic: string;
  envelope: EventEnvelope<unknown>;
  /** The W3C trace headers as JSON, or null outside a trace. */
  trace: string | null;
}

const relayWakes = new WeakMap<DataSource, Map<string, Set<() => void>>>();

/**
 * Calls `wake` whenever a transaction of `dataSource` that wrote to `schema`'s outbox has committed. A relay
 * of this process is woken so; another replica's rows are published by that replica's relay, woken by its
 * own commits (each pass takes every row of the schema, whoever wrote it). Returns the unsubscribe.
 */
export function onOutboxCommit(dataSource: DataSource, schema: string, wake: () => void): () => void {
  const bySchema = relayWakes.get(dataSource) ?? new Map<string, Set<() => void>>();
  relayWakes.set(dataSource, bySchema);
  const wakes = bySchema.get(schema) ?? new Set<() => void>();
  bySchema.set(schema, wakes);
  wakes.add(wake);
  return () => {
    wakes.delete(wake);
  };
}

function outboxCommitted(dataSource: DataSource, schema: string): void {
  for (const wake of relayWakes.get(dataSource)?.get(schema) ?? []) wake();
}

/**
 * The transactional outbox (spec/architecture.md "Communication"): a message is a row written in the
 * same database transaction as the state change, and `OutboxRelay` publishes committed rows. So a
 * rolled-back change publishes nothing and a committed one is published even if the process dies.
 *
 * Order: rows are published in id order, and an id is taken when the row is written — right before the
 * transaction's COMMIT, with its other rows, in the order they were added. Lock the aggregate (e.g. the
 * ledger row of the fund account) in the transaction, so that two transactions on one key get their ids
 * in commit order.
 */
export class Outbox implements MessagePublisher {
  private readonly table: string;

  constructor(readonly schema: string) {
    this.table = qualifiedTable(schema, OUTBOX_TABLE);
  }

  /** One statement for a transaction's rows, whatever their number (one text: prepared once per connection). */
  private readonly writeRows = async (manager: EntityManager, rows: readonly OutboxRow[]): Promise<void> => {
    await manager.query(
      `INSERT INTO ${this.table} (message_id, topic, message_key, envelope, trace_context)
       SELECT message_id, topic, message_key, envelope, trace_context
       FROM unnest($1::uuid[], $2::text[], $3::text[], $4::jsonb[], $5::jsonb[]) WITH ORDINALITY AS row (message_id, topic, message_key, envelope, trace_context, position)
       ORDER BY position`,
      [
        rows.map(({ envelope }) => envelope.id),
        rows.map(({ topic }) => topic),
        rows.map(({ envelope }) => envelope.key),
        rows.map(({ envelope }) => JSON.stringify(envelope)),
        rows.map(({ trace }) => trace),
      ],
    );
  };

  async add<T, I>(manager: EntityManager, topic: TopicDef<T, I>, payload: I, options: EnvelopeOptions): Promise<EventEnvelope<T>> {
    // Outside a transaction the row would commit on its own: exactly the dual write the outbox exists to prevent.
    if (!manager.queryRunner?.isTransactionActive) {
      throw new OutboxOutsideTransactionError(
        `Outbox.add(${topic.name}) needs the EntityManager of the transaction that changes the state (dataSource.transaction(manager => ...))`,
      );
    }
    const envelope = newEnvelope(topic, payload, options);
    // The trace of the transaction that writes the row goes on with the message (the relay sends it as headers).
    const trace = activeTraceHeaders();
    // Written with the transaction's other outbox rows in one statement right before its COMMIT: ids are then
    // taken in this order while the transaction still holds its locks, so the order of one key's messages holds.
    writeAtCommit<OutboxRow>(manager, this.table, { topic: topic.name, envelope, trace: Object.keys(trace).length === 0 ? null : JSON.stringify(trace) }, this.writeRows);
    // Not pg_notify: its lock at commit serialises every committing transaction of the database.
    afterCommit(manager, `outbox:${this.schema}`, () => outboxCommitted(manager.connection, this.schema));
    return envelope;
  }

  /** `MessagePublisher`'s name for {@link add}. */
  publish<T, I>(manager: EntityManager, topic: TopicDef<T, I>, payload: I, options: EnvelopeOptions): Promise<EventEnvelope<T>> {
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
