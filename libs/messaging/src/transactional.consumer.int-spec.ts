import {
  committedOffset,
  createTestKafka,
  createTestSchema,
  RecordingLogger,
  requireInfrastructure,
  testConsumerTimings,
  TopicRecorder,
  uniqueGroupId,
  uniqueTopicName,
  waitFor,
  type TestSchema,
} from '@custody/testing';
import type { Kafka, Producer } from 'kafkajs';
import { AtLeastOnceConsumer } from './at-least-once.consumer';
import { DeadLetterError, readDeadLetterRecord } from './dead-letter';
import { encodeEnvelope } from './envelope.codec';
import { newEnvelope } from './envelope.factory';
import { createIdempotentProducer } from './kafka.factory';
import { createOutboxInboxMigration } from './outbox-inbox.migration';
import { ensureTopics } from './topic.provisioning';
import { TransactionalConsumer } from './transactional.consumer';
import { appliedCredits, creditTopicNamed, creditsMigration, insertCredit, type CreditPayload } from './testing/credit.fixture';

jest.setTimeout(30_000);

let db: TestSchema;
let kafka: Kafka;
let producer: Producer;
const stoppables: Array<{ stop(): Promise<void> }> = [];
const fastRetry = { maxAttempts: 2, initialBackoffMs: 50, maxBackoffMs: 100, stalledRetryIntervalMs: 200 };

beforeAll(async () => {
  await requireInfrastructure({ postgres: true, kafka: true });
  db = await createTestSchema({ name: 'tx_consumer', migrations: (schema) => [createOutboxInboxMigration({ schema }), creditsMigration(schema)] });
  kafka = createTestKafka('transactional-consumer-test');
  producer = createIdempotentProducer(kafka);
  await producer.connect();
});

afterEach(async () => {
  for (const stoppable of stoppables.splice(0).reverse()) await stoppable.stop();
});

afterAll(async () => {
  await producer?.disconnect();
  await db?.drop();
});

async function freshTopic(base: string): Promise<ReturnType<typeof creditTopicNamed>> {
  const topic = creditTopicNamed(uniqueTopicName(base));
  await ensureTopics(kafka, [topic.name], { partitions: 1 });
  return topic;
}

function credit(creditId: string): CreditPayload {
  return { creditId, fundAccountNo: '880001', amount: '25.00' };
}

async function produceRaw(topic: string, values: Array<Buffer | string>): Promise<void> {
  await producer.send({ topic, acks: -1, messages: values.map((value) => ({ key: '880001', value })) });
}

function consumerFor(groupId: string, extra: { deadLetterTopic?: string; logger?: RecordingLogger } = {}): TransactionalConsumer {
  const consumer = new TransactionalConsumer({
    kafka,
    groupId,
    dataSource: db.dataSource,
    logger: new RecordingLogger(),
    retry: fastRetry,
    ...testConsumerTimings,
    ...extra,
  });
  stoppables.push(consumer);
  return consumer;
}

async function creditsFor(creditId: string): Promise<Array<{ message_id: string | null }>> {
  return (await appliedCredits(db.dataSource, db.schema)).filter((row) => row.credit_id === creditId).map((row) => ({ message_id: row.message_id }));
}

describe('transactional consumer (real PostgreSQL and Kafka)', () => {
  it('inbox: a redelivered message id is skipped; its effect is applied once', async () => {
    const topic = await freshTopic('redelivery');
    const first = newEnvelope(topic, credit('dup-1'), { key: '880001' });
    const second = newEnvelope(topic, credit('dup-2'), { key: '880001' });
    // The same message id twice on the wire, as after a relay restart or a producer retry.
    await produceRaw(topic.name, [encodeEnvelope(first), encodeEnvelope(first), encodeEnvelope(second)]);

    const groupId = uniqueGroupId('redelivery');
    const calls: string[] = [];
    await consumerFor(groupId)
      .subscribe(topic, async (envelope, manager) => {
        calls.push(envelope.payload.creditId);
        await insertCredit(manager, db.schema, envelope.payload, envelope.id);
      })
      .start();

    await waitFor(async () => (await committedOffset(kafka, groupId, topic.name)) === '3', { description: 'all three records committed' });
    expect(calls).toEqual(['dup-1', 'dup-2']);
    expect(await creditsFor('dup-1')).toEqual([{ message_id: first.id }]);
    const inbox = (await db.dataSource.query(`SELECT message_id FROM "${db.schema}".inbox WHERE consumer_group = $1 ORDER BY kafka_offset`, [groupId])) as Array<{ message_id: string }>;
    expect(inbox.map((row) => row.message_id)).toEqual([first.id, second.id]);
  });

  it('the offset is committed only after the effect’s transaction committed; a consumer that dies mid-effect leaves nothing and the message is applied exactly once after restart', async () => {
    const topic = await freshTopic('dies-mid-effect');
    const envelope = newEnvelope(topic, credit('die-1'), { key: '880001' });
    await produceRaw(topic.name, [encodeEnvelope(envelope)]);
    const groupId = uniqueGroupId('dies-mid-effect');

    // A build whose handler fails after it has begun the effect (its insert is already in the transaction).
    let failedAttempts = 0;
    const dyingLog = new RecordingLogger();
    const dying = consumerFor(groupId, { logger: dyingLog }).subscribe(topic, async (message, manager) => {
      await insertCredit(manager, db.schema, message.payload, message.id);
      failedAttempts += 1;
      throw new Error('process dies half-way through the effect');
    });
    await dying.start();
    await waitFor(() => failedAttempts >= 3 && dying.health().stalled.length === 1, { description: 'the failing handler to be retried into STALLED' });
    expect(await creditsFor('die-1')).toEqual([]);
    expect(await committedOffset(kafka, groupId, topic.name)).toBeUndefined();
    expect(dying.health().stalled[0]).toMatchObject({ topic: topic.name, offset: '0', messageId: envelope.id, lastError: 'process dies half-way through the effect' });
    // Loud, never silent: past maxAttempts every further failure is an error naming the message.
    expect(dyingLog.at('warn').map((entry) => entry.fields['attempt'])).toEqual([1]);
    expect(dyingLog.at('error')[0]).toMatchObject({ message: expect.stringMatching(/^MESSAGE STALLED/), fields: { messageId: envelope.id, offset: '0' } });
    await dying.stop();
    expect(await committedOffset(kafka, groupId, topic.name)).toBeUndefined();

    // The fixed build takes over the group and sees the offset still uncommitted inside its own transaction.
    const offsetsSeenInsideTransaction: Array<string | undefined> = [];
    await consumerFor(groupId)
      .subscribe(topic, async (message, manager) => {
        await insertCredit(manager, db.schema, message.payload, message.id);
        offsetsSeenInsideTransaction.push(await committedOffset(kafka, groupId, topic.name));
      })
      .start();
    await waitFor(async () => (await committedOffset(kafka, groupId, topic.name)) === '1', { description: 'the offset to be committed after the effect' });
    expect(offsetsSeenInsideTransaction).toEqual([undefined]);
    expect(await creditsFor('die-1')).toEqual([{ message_id: envelope.id }]);
  });

  it('an invalid message goes to the dead-letter topic with its bytes and reason, is committed, and does not block the next one', async () => {
    const topic = await freshTopic('invalid');
    const deadLetterTopic = uniqueTopicName('dead-letter');
    await ensureTopics(kafka, [deadLetterTopic], { partitions: 1 });
    const deadLetters = await TopicRecorder.start(kafka, [deadLetterTopic]);
    stoppables.push(deadLetters);

    const validEnvelope = newEnvelope(topic, credit('valid-after-invalid'), { key: '880001' });
    const amountAsNumber = JSON.stringify({ ...newEnvelope(topic, credit('bad-amount'), { key: '880001' }), payload: { ...credit('bad-amount'), amount: 25 } });
    const refused = newEnvelope(topic, credit('refused-by-handler'), { key: '880001' });
    await produceRaw(topic.name, ['{this is not json', amountAsNumber, encodeEnvelope(refused), encodeEnvelope(validEnvelope)]);

    const groupId = uniqueGroupId('invalid');
    const handled: string[] = [];
    await consumerFor(groupId, { deadLetterTopic })
      .subscribe(topic, async (envelope, manager) => {
        if (envelope.payload.creditId === 'refused-by-handler') throw new DeadLetterError('fund account 880001 is closed');
        handled.push(envelope.payload.creditId);
        await insertCredit(manager, db.schema, envelope.payload, envelope.id);
      })
      .start();

    await waitFor(async () => (await committedOffset(kafka, groupId, topic.name)) === '4', { description: 'all four records committed' });
    expect(handled).toEqual(['valid-after-invalid']);
    expect(await creditsFor('valid-after-invalid')).toHaveLength(1);
    expect(await creditsFor('refused-by-handler')).toHaveLength(0);

    const records = (await deadLetters.waitForCount(3)).map((message) => readDeadLetterRecord(message));
    expect(records.map((record) => [record?.originalTopic, record?.originalOffset, record?.consumerGroup])).toEqual([
      [topic.name, '0', groupId],
      [topic.name, '1', groupId],
      [topic.name, '2', groupId],
    ]);
    expect(records[0]?.value?.toString()).toBe('{this is not json');
    expect(records[0]?.reason).toMatch(/^not JSON/);
    expect(records[1]?.value?.toString()).toBe(amountAsNumber);
    expect(records[1]?.reason).toMatch(/^payload invalid: payload\.amount/);
    expect(records[2]?.reason).toBe('handler refused: fund account 880001 is closed');
  });
});

describe('at-least-once consumer (no database)', () => {
  it('commits after the handler resolves, retries a failing handler, and dead-letters invalid records', async () => {
    const topic = await freshTopic('at-least-once');
    const deadLetterTopic = uniqueTopicName('dead-letter');
    await ensureTopics(kafka, [deadLetterTopic], { partitions: 1 });
    const deadLetters = await TopicRecorder.start(kafka, [deadLetterTopic]);
    stoppables.push(deadLetters);
    await produceRaw(topic.name, [encodeEnvelope(newEnvelope(topic, credit('flaky'), { key: '880001' })), 'garbage']);

    const groupId = uniqueGroupId('at-least-once');
    const attempts: string[] = [];
    const offsetsSeenInHandler: Array<string | undefined> = [];
    const consumer = new AtLeastOnceConsumer({ kafka, groupId, deadLetterTopic, logger: new RecordingLogger(), retry: fastRetry, ...testConsumerTimings });
    stoppables.push(consumer);
    await consumer
      .subscribe(topic, async (envelope) => {
        attempts.push(envelope.payload.creditId);
        offsetsSeenInHandler.push(await committedOffset(kafka, groupId, topic.name));
        if (attempts.length === 1) throw new Error('bank adapter: Redis briefly unavailable');
      })
      .start();

    await waitFor(async () => (await committedOffset(kafka, groupId, topic.name)) === '2', { description: 'both records committed' });
    expect(attempts).toEqual(['flaky', 'flaky']);
    expect(offsetsSeenInHandler).toEqual([undefined, undefined]);
    const [deadLetter] = await deadLetters.waitForCount(1);
    expect(readDeadLetterRecord(deadLetter!)).toMatchObject({ originalOffset: '1', reason: expect.stringMatching(/^not JSON/) });
  });
});
