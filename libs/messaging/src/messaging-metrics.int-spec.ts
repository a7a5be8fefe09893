import { Money } from '@custody/money';
import {
  committedOffset,
  RecordingLogger,
  testConsumerTimings,
  uniqueGroupId,
  uniqueTopicName,
  waitFor,
} from '@custody/testing';
import { Registry } from 'prom-client';
import { encodeEnvelope } from './envelope.codec';
import { newEnvelope } from './envelope.factory';
import { MessagingMetrics } from './messaging-metrics';
import { Outbox } from './outbox';
import { ensureTopics } from './topic.provisioning';
import { TransactionalConsumer } from './transactional.consumer';
import { creditTopicNamed, insertCredit } from './testing/credit.fixture';
import { messagingTestbed } from './testing/messaging-testbed';

jest.setTimeout(30_000);

const bed = messagingTestbed({ schema: 'messaging_metrics', clientId: 'messaging-metrics-test' });

/** One sample of a metric, by its labels, as a scrape reads it (collect callbacks run). */
async function sample(registry: Registry, name: string, labels: Record<string, string>): Promise<number | undefined> {
  const metric = registry.getSingleMetric(name);
  if (!metric) throw new Error(`${name} is not registered`);
  const { values } = await metric.get();
  return values.find((v) => Object.entries(labels).every(([key, value]) => v.labels[key] === value))?.value;
}

const credit = (creditId: string) => ({ creditId, fundAccountNo: '880001', amount: Money.parse('25.00') });

describe('messaging metrics (real PostgreSQL and Kafka)', () => {
  it('a poison message counts once in custody_dead_letters_total of its topic; the lag of the topic comes back to 0 once all is consumed', async () => {
    const topic = creditTopicNamed(uniqueTopicName('poison'));
    const deadLetterTopic = uniqueTopicName('dead-letter');
    await ensureTopics(bed.kafka, [topic.name, deadLetterTopic], { partitions: 1 });
    await bed.producer.send({
      topic: topic.name,
      acks: -1,
      messages: ['{this is not json', encodeEnvelope(newEnvelope(topic, credit('after-poison'), { key: '880001' }))].map((value) => ({ key: '880001', value })),
    });
    const registry = new Registry();
    const metrics = new MessagingMetrics(registry);
    const groupId = uniqueGroupId('poison');
    const consumer = new TransactionalConsumer({ kafka: bed.kafka, groupId, dataSource: bed.db.dataSource, deadLetterTopic, logger: new RecordingLogger(), metrics, ...testConsumerTimings });
    bed.stopAfterTest(consumer);
    await consumer.subscribe(topic, (envelope, manager) => insertCredit(manager, bed.db.schema, envelope.payload, envelope.id)).start();

    await waitFor(async () => (await committedOffset(bed.kafka, groupId, topic.name)) === '2', { description: 'both records committed' });
    expect(await sample(registry, 'custody_dead_letters_total', { topic: topic.name })).toBe(1);
    await waitFor(async () => (await sample(registry, 'custody_consumer_lag', { topic: topic.name })) === 0, { description: 'the lag of the topic to be 0' });
  });

  it('the outbox gauges read what a schema has not published: how many rows, and how long the oldest has waited', async () => {
    const registry = new Registry();
    new MessagingMetrics(registry).watchOutbox(bed.db.dataSource, bed.db.schema);
    const labels = { schema: bed.db.schema };
    expect(await sample(registry, 'custody_outbox_unpublished', labels)).toBe(0);
    expect(await sample(registry, 'custody_outbox_oldest_unpublished_age_seconds', labels)).toBe(0);

    // No relay runs here: the rows stay unpublished.
    const topic = creditTopicNamed(uniqueTopicName('outbox'));
    const outbox = new Outbox(bed.db.schema);
    await bed.db.dataSource.transaction(async (manager) => {
      for (const id of ['o-1', 'o-2']) await outbox.add(manager, topic, credit(id), { key: '880001' });
    });
    await bed.db.dataSource.query(`UPDATE "${bed.db.schema}".outbox SET created_at = now() - interval '30 seconds' WHERE published_at IS NULL AND envelope->'payload'->>'creditId' = 'o-1'`);
    expect(await sample(registry, 'custody_outbox_unpublished', labels)).toBe(2);
    expect(await sample(registry, 'custody_outbox_oldest_unpublished_age_seconds', labels)).toBeGreaterThanOrEqual(30);

    await bed.db.dataSource.query(`UPDATE "${bed.db.schema}".outbox SET published_at = now()`);
    expect(await sample(registry, 'custody_outbox_unpublished', labels)).toBe(0);
  });
});
