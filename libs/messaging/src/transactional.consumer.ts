import type { TopicDef } from '@custody/contracts';
import { schemaOf, type IsolationLevel } from '@custody/persistence';
import type { DataSource, EntityManager } from 'typeorm';
import { type BatchLimits, ConsumerEngine, DEFAULT_BATCH_LIMITS, EngineBackedConsumer, type ConsumerOptions, type RunMessage } from './consumer.engine';
import { claimInboxEntry, InboxClaims, type InboxEntry } from './inbox';
import type { TransactionalHandler } from './message-publisher';

export interface TransactionalConsumerOptions extends ConsumerOptions {
  dataSource: DataSource;
  /** Where the inbox lives; defaults to the DataSource's schema. */
  schema?: string;
  /** Isolation of the effect's transaction. Default READ COMMITTED. */
  isolation?: IsolationLevel;
  /**
   * How many of a partition's ready messages one transaction takes (default 100), and for how long it goes on
   * beginning more (default 1 s). `{ maxMessages: 1 }` applies one message per transaction.
   */
  batch?: Partial<BatchLimits>;
  /**
   * How often the runs' offsets are committed to Kafka, in ms (default 250; deferred-offset-commits.ts); 0 commits
   * after every run. What a crash re-reads, the inbox skips.
   */
  offsetCommitIntervalMs?: number;
  /**
   * The consumer group whose inbox this consumer records in (default: its own `groupId`). A service reading its
   * topics through more than one group names one inbox for all of them, so a topic moved from one of its groups to
   * another is never applied twice (service-runtime.ts "lanes").
   */
  inboxGroup?: string;
}

/** One OffsetCommit request per consumer per quarter second at most, instead of one per run (issue 9). */
const DEFAULT_OFFSET_COMMIT_INTERVAL_MS = 250;

/**
 * Applies each message exactly once to the service's database: the inbox entry and the handler's
 * writes commit in one transaction, and the Kafka offset is committed only after that — with the next
 * of the consumer's offset commits, at most `offsetCommitIntervalMs` later. A crash before the
 * transaction's commit redelivers the message and the transaction never happened; a crash after it
 * redelivers the message and the inbox turns the second delivery into a no-op.
 *
 * The ready messages of a partition share that transaction (consumer.engine.ts `onBatch`): one commit
 * and one offset commit for all of them. A message that fails is split out and dealt with alone, after
 * those before it committed; nothing of it is applied unless it succeeds.
 *
 * Handlers are edges (spec/conventions.md "Thin edges"): they call the service with the manager
 * and publish any follow-up through the Outbox in the same transaction. Because several messages
 * share it, a handler:
 * - reads and writes only through `manager` (another connection would not see the batch's earlier
 *   effects, and would wait forever on a row the batch has locked);
 * - lets every SQL error escape: PostgreSQL aborts the whole transaction at the first failed statement,
 *   so a handler that must survive one runs the statement in a savepoint of its own
 *   (`manager.transaction(...)` nested) or avoids the error (`ON CONFLICT`);
 * - changes no session or transaction setting (`SET LOCAL` would hold for the messages after it);
 * - may lock rows and take `pg_advisory_xact_lock`, knowing they are held until the batch commits: two
 *   batches of different partitions can deadlock where two single messages would not. PostgreSQL breaks
 *   the deadlock; the loser's failing message is retried (transient), those before it commit;
 * - does nothing outside the database it would regret if the transaction rolled back and ran again
 *   (a batch replays the messages before a failing one); reads (an HTTP balance) are fine;
 * - does not take `now()` as its own moment: it is the transaction's start, shared by the batch
 *   (`clock_timestamp()` is the statement's).
 */
export class TransactionalConsumer extends EngineBackedConsumer<EntityManager> {
  private readonly schema: string;
  private readonly inboxGroup: string;
  /** A shared transaction's inbox entries, claimed in one statement before its first handler runs. */
  private readonly claims: InboxClaims;

  constructor(options: TransactionalConsumerOptions) {
    const { dataSource, isolation = 'READ COMMITTED', batch, offsetCommitIntervalMs = DEFAULT_OFFSET_COMMIT_INTERVAL_MS } = options;
    const schema = options.schema ?? schemaOf(dataSource);
    const inboxGroup = options.inboxGroup ?? options.groupId;
    const claims = new InboxClaims(schema, inboxGroup);
    super(
      new ConsumerEngine<EntityManager>(
        options,
        // READ COMMITTED is every connection's default (data-source.factory.ts): not set again in each transaction.
        { run: (work) => (isolation === 'READ COMMITTED' ? dataSource.transaction(work) : dataSource.transaction(isolation, work)) },
        {
          batched: { ...DEFAULT_BATCH_LIMITS, ...batch },
          offsetCommitIntervalMs: offsetCommitIntervalMs === 0 ? undefined : offsetCommitIntervalMs,
          claims: {
            claimAll: (manager, messages) => claims.claimAll(manager, messages.map(inboxEntryOf)),
            giveBack: (manager, messages) => claims.giveBack(manager, messages.map(({ messageId }) => messageId)),
          },
        },
      ),
    );
    this.schema = schema;
    this.inboxGroup = inboxGroup;
    this.claims = claims;
  }

  subscribe<T>(topic: TopicDef<T>, handler: TransactionalHandler<T>): this {
    this.route(topic, async (envelope, delivery, manager) => {
      // Claimed with the transaction's other messages when it applies several; a message applied alone claims its own.
      const first =
        this.claims.take(manager, envelope.id) ??
        (await claimInboxEntry(manager, this.schema, { consumerGroup: this.inboxGroup, ...inboxEntryOf({ delivery, messageId: envelope.id, messageType: envelope.type }) }));
      if (!first) return 'duplicate';
      await handler(envelope, manager);
      return 'applied';
    });
    return this;
  }
}

function inboxEntryOf({ delivery, messageId, messageType }: RunMessage): Omit<InboxEntry, 'consumerGroup'> {
  return { messageId, messageType, topic: delivery.topic, partition: delivery.partition, offset: delivery.offset };
}
