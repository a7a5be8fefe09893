import { createTestKafka, createTestSchema, requireInfrastructure, uniqueTopicName, type TestSchema } from '@custody/testing';
import type { Kafka, Producer } from 'kafkajs';
import { createIdempotentProducer } from '../kafka.factory';
import { createOutboxInboxMigration, outboxTraceContextMigration, outboxVacuumMigration } from '../outbox-inbox.migration';
import { ensureTopics } from '../topic.provisioning';
import { creditsMigration, creditTopicNamed, type CreditTopic } from './credit.fixture';

export interface MessagingTestbedOptions {
  /** Names the spec file's connections in the broker's log. */
  clientId: string;
  /** Part of the schema's name, to find a leftover schema's spec file; false for a spec that needs no database. */
  schema: string | false;
  /** The outbox's vacuum settings (issue 9), for the spec that checks them. */
  outboxVacuum?: boolean;
  /** False where each test brings producers of its own. */
  producer?: boolean;
  /** For the afterEach that stops a test's consumers, where jest's default is too short. */
  afterTestTimeoutMs?: number;
}

type CleanUp = () => Promise<void> | void;

export interface MessagingTestbed {
  readonly db: TestSchema;
  readonly kafka: Kafka;
  /** Idempotent and connected. */
  readonly producer: Producer;
  /** Runs once the current test is over; what was started last ends first. */
  afterTest(...cleanUps: CleanUp[]): void;
  stopAfterTest(stoppable: { stop(): Promise<void> | void }): void;
  /** The credit contract on an empty topic of its own. */
  freshTopic(base: string, partitions?: number): Promise<CreditTopic>;
}

/**
 * The real schema, Kafka client and producer of one spec file (spec/conventions.md "Tests"): made in
 * its beforeAll, gone in its afterAll. Call it at the file's top level; read its members in tests and hooks.
 */
export function messagingTestbed(options: MessagingTestbedOptions): MessagingTestbed {
  let db: TestSchema | undefined;
  let kafka: Kafka | undefined;
  let producer: Producer | undefined;
  const cleanUps: CleanUp[] = [];
  const { schema: schemaName } = options;

  beforeAll(async () => {
    await requireInfrastructure({ postgres: schemaName !== false, kafka: true });
    if (schemaName !== false) {
      db = await createTestSchema({
        name: schemaName,
        migrations: (schema) => [
          createOutboxInboxMigration({ schema }),
          ...(options.outboxVacuum ? [outboxVacuumMigration({ schema })] : []),
          outboxTraceContextMigration({ schema }),
          creditsMigration(schema),
        ],
      });
    }
    kafka = createTestKafka(options.clientId);
    if (options.producer !== false) {
      producer = createIdempotentProducer(kafka);
      await producer.connect();
    }
  });

  afterEach(async () => {
    for (const cleanUp of cleanUps.splice(0).reverse()) await cleanUp();
  }, options.afterTestTimeoutMs);

  afterAll(async () => {
    await producer?.disconnect();
    await db?.drop();
  });

  return {
    get db() {
      return made(db, 'schema');
    },
    get kafka() {
      return made(kafka, 'Kafka client');
    },
    get producer() {
      return made(producer, 'producer');
    },
    afterTest(...added) {
      cleanUps.push(...added);
    },
    stopAfterTest(stoppable) {
      cleanUps.push(() => stoppable.stop());
    },
    async freshTopic(base, partitions = 1) {
      const topic = creditTopicNamed(uniqueTopicName(base));
      await ensureTopics(made(kafka, 'Kafka client'), [topic.name], { partitions });
      return topic;
    },
  };
}

function made<T>(thing: T | undefined, name: string): T {
  if (thing === undefined) throw new Error(`the messaging test bed has no ${name} here: it makes one in beforeAll, unless its options say not to`);
  return thing;
}
