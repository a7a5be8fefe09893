import type { TopicDef } from '@custody/contracts';
import { schemaOf, type IsolationLevel } from '@custody/persistence';
import type { DataSource } from 'typeorm';
import { ConsumerEngine, EngineBackedConsumer, type ConsumerOptions } from './consumer.engine';
import { claimInboxEntry } from './inbox';
import type { TransactionalHandler } from './message-publisher';

export interface TransactionalConsumerOptions extends ConsumerOptions {
  dataSource: DataSource;
  /** Where the inbox lives; defaults to the DataSource's schema. */
  schema?: string;
  /** Isolation of the effect's transaction. Default READ COMMITTED. */
  isolation?: IsolationLevel;
}

/**
 * Applies each message exactly once to the service's database: the inbox entry and the handler's
 * writes commit in one transaction, and the Kafka offset is committed only after that. A crash
 * before the commit redelivers the message and the transaction never happened; a crash after it
 * redelivers the message and the inbox turns the second delivery into a no-op.
 *
 * Handlers are edges (spec/conventions.md "Thin edges"): they call the service with the manager
 * and publish any follow-up through the Outbox in the same transaction.
 */
export class TransactionalConsumer extends EngineBackedConsumer {
  private readonly schema: string;

  constructor(private readonly options: TransactionalConsumerOptions) {
    super(new ConsumerEngine(options));
    this.schema = options.schema ?? schemaOf(options.dataSource);
  }

  subscribe<T>(topic: TopicDef<T>, handler: TransactionalHandler<T>): this {
    const { dataSource, isolation = 'READ COMMITTED' } = this.options;
    this.route(topic, (envelope, delivery) =>
      dataSource.transaction(isolation, async (manager) => {
        const first = await claimInboxEntry(manager, this.schema, {
          consumerGroup: delivery.groupId,
          messageId: envelope.id,
          messageType: envelope.type,
          topic: delivery.topic,
          partition: delivery.partition,
          offset: delivery.offset,
        });
        if (!first) return 'duplicate' as const;
        await handler(envelope, manager);
        return 'applied' as const;
      }),
    );
    return this;
  }
}
