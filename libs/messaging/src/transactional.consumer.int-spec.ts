import {
  committedOffset,
  RecordingLogger,
  testConsumerTimings,
  TopicRecorder,
  uniqueGroupId,
  uniqueTopicName,
  waitFor,
} from '@custody/testing';
import { AtLeastOnceConsumer } from './at-least-once.consumer';
import { DeadLetterError, readDeadLetterRecord, replayOf } from './dead-letter';
import { encodeEnvelope } from './envelope.codec';
import { newEnvelope } from './envelope.factory';
import type { FailureClassifier } from './failure-class';
import { ensureTopics } from './topic.provisioning';
import { TransactionalConsumer } from './transactional.consumer';
import { appliedCredits, insertCredit, type CreditPayload } from './testing/credit.fixture';
import { messagingTestbed } from './testing/messaging-testbed';
import { Money } from '@custody/money';

jest.setTimeout(30_000);

const bed = messagingTestbed({ schema: 'tx_consumer', clientId: 'transactional-consumer-test' });
const fastRetry = { maxAttempts: 2, initialBackoffMs: 50, maxBackoffMs: 100, stalledRetryIntervalMs: 200 };

function credit(creditId: string): CreditPayload {
  return { creditId, fundAccountNo: '880001', amount: Money.parse('25.00') };
}

async function produceRaw(topic: string, values: Array<Buffer | string>): Promise<void> {
  await bed.producer.send({ topic, acks: -1, messages: values.map((value) => ({ key: '880001', value })) });
}

/** A refusal that can never succeed, as a domain's deterministic refusal codes are. */
class CreditRefused extends Error {
  readonly code = 'CREDIT_REFUSED';
}

const refusalsArePermanent: FailureClassifier = (error) => (error instanceof CreditRefused ? 'permanent' : 'transient');

function consumerFor(
  groupId: string,
  extra: { deadLetterTopic?: string; logger?: RecordingLogger; classifyFailure?: FailureClassifier; stuckAfterMs?: number } = {},
): TransactionalConsumer {
  const consumer = new TransactionalConsumer({
    kafka: bed.kafka,
    groupId,
    dataSource: bed.db.dataSource,
    logger: new RecordingLogger(),
    retry: fastRetry,
    ...testConsumerTimings,
    ...extra,
  });
  bed.stopAfterTest(consumer);
  return consumer;
}

async function creditsFor(creditId: string): Promise<Array<{ message_id: string | null }>> {
  return (await appliedCredits(bed.db.dataSource, bed.db.schema)).filter((row) => row.credit_id === creditId).map((row) => ({ message_id: row.message_id }));
}

describe('transactional consumer (real PostgreSQL and Kafka)', () => {
  it('inbox: a redelivered message id is skipped; its effect is applied once', async () => {
    const topic = await bed.freshTopic('redelivery');
    const first = newEnvelope(topic, credit('dup-1'), { key: '880001' });
    const second = newEnvelope(topic, credit('dup-2'), { key: '880001' });
    // The same message id twice on the wire, as after a relay restart or a producer retry.
    await produceRaw(topic.name, [encodeEnvelope(first), encodeEnvelope(first), encodeEnvelope(second)]);

    const groupId = uniqueGroupId('redelivery');
    const calls: string[] = [];
    await consumerFor(groupId)
      .subscribe(topic, async (envelope, manager) => {
        calls.push(envelope.payload.creditId);
        await insertCredit(manager, bed.db.schema, envelope.payload, envelope.id);
      })
      .start();

    await waitFor(async () => (await committedOffset(bed.kafka, groupId, topic.name)) === '3', { description: 'all three records committed' });
    expect(calls).toEqual(['dup-1', 'dup-2']);
    expect(await creditsFor('dup-1')).toEqual([{ message_id: first.id }]);
    const inbox = (await bed.db.dataSource.query(`SELECT message_id FROM "${bed.db.schema}".inbox WHERE consumer_group = $1 ORDER BY kafka_offset`, [groupId])) as Array<{ message_id: string }>;
    expect(inbox.map((row) => row.message_id)).toEqual([first.id, second.id]);
  });

  it('the offset is committed only after the effect’s transaction committed; a consumer that dies mid-effect leaves nothing and the message is applied exactly once after restart', async () => {
    const topic = await bed.freshTopic('dies-mid-effect');
    const envelope = newEnvelope(topic, credit('die-1'), { key: '880001' });
    await produceRaw(topic.name, [encodeEnvelope(envelope)]);
    const groupId = uniqueGroupId('dies-mid-effect');

    // A build whose handler fails after it has begun the effect (its insert is already in the transaction).
    let failedAttempts = 0;
    const dyingLog = new RecordingLogger();
    const dying = consumerFor(groupId, { logger: dyingLog, stuckAfterMs: 300 }).subscribe(topic, async (message, manager) => {
      await insertCredit(manager, bed.db.schema, message.payload, message.id);
      failedAttempts += 1;
      throw new Error('process dies half-way through the effect');
    });
    await dying.start();
    await waitFor(() => failedAttempts >= 3 && dying.health().stuck.length === 1, { description: 'the failing handler to be retried until it is stuck' });
    expect(await creditsFor('die-1')).toEqual([]);
    expect(await committedOffset(bed.kafka, groupId, topic.name)).toBeUndefined();
    expect(dying.health().stuck[0]).toMatchObject({ topic: topic.name, offset: '0', messageId: envelope.id, lastError: 'process dies half-way through the effect' });
    // Loud, never silent: past maxAttempts every further failure is an error naming the message.
    expect(dyingLog.at('warn').map((entry) => entry.fields['attempt'])).toEqual([1]);
    expect(dyingLog.at('error')[0]).toMatchObject({ message: expect.stringMatching(/^MESSAGE STALLED/), fields: { messageId: envelope.id, offset: '0' } });
    await dying.stop();
    expect(await committedOffset(bed.kafka, groupId, topic.name)).toBeUndefined();

    // The fixed build takes over the group and sees the offset still uncommitted inside its own transaction.
    const offsetsSeenInsideTransaction: Array<string | undefined> = [];
    await consumerFor(groupId)
      .subscribe(topic, async (message, manager) => {
        await insertCredit(manager, bed.db.schema, message.payload, message.id);
        offsetsSeenInsideTransaction.push(await committedOffset(bed.kafka, groupId, topic.name));
      })
      .start();
    await waitFor(async () => (await committedOffset(bed.kafka, groupId, topic.name)) === '1', { description: 'the offset to be committed after the effect' });
    expect(offsetsSeenInsideTransaction).toEqual([undefined]);
    expect(await creditsFor('die-1')).toEqual([{ message_id: envelope.id }]);
  });

  it('an invalid message goes to the dead-letter topic with its bytes and reason, is committed, and does not block the next one', async () => {
    const topic = await bed.freshTopic('invalid');
    const deadLetterTopic = uniqueTopicName('dead-letter');
    await ensureTopics(bed.kafka, [deadLetterTopic], { partitions: 1 });
    const deadLetters = await TopicRecorder.start(bed.kafka, [deadLetterTopic]);
    bed.stopAfterTest(deadLetters);

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
        await insertCredit(manager, bed.db.schema, envelope.payload, envelope.id);
      })
      .start();

    await waitFor(async () => (await committedOffset(bed.kafka, groupId, topic.name)) === '4', { description: 'all four records committed' });
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
  it('a permanent failure dead-letters the message with its reason, code, message id and origin, records nothing of it (not even in the inbox), and the next message on the partition is applied', async () => {
    const topic = await bed.freshTopic('permanent');
    const deadLetterTopic = uniqueTopicName('dead-letter');
    await ensureTopics(bed.kafka, [deadLetterTopic], { partitions: 1 });
    const deadLetters = await TopicRecorder.start(bed.kafka, [deadLetterTopic]);
    bed.stopAfterTest(deadLetters);
    const refused = newEnvelope(topic, credit('refused'), { key: '880001' });
    const next = newEnvelope(topic, credit('after-refused'), { key: '880001' });
    await produceRaw(topic.name, [encodeEnvelope(refused), encodeEnvelope(next)]);

    const groupId = uniqueGroupId('permanent');
    const logger = new RecordingLogger();
    let accountClosed = true;
    const attempts: string[] = [];
    await consumerFor(groupId, { deadLetterTopic, logger, classifyFailure: refusalsArePermanent })
      .subscribe(topic, async (envelope, manager) => {
        attempts.push(envelope.payload.creditId);
        // The effect has begun when the refusal comes: the rollback must take it back.
        await insertCredit(manager, bed.db.schema, envelope.payload, envelope.id);
        if (accountClosed && envelope.payload.creditId === 'refused') throw new CreditRefused('fund account 880001 is closed');
      })
      .start();

    await waitFor(async () => (await committedOffset(bed.kafka, groupId, topic.name)) === '2', { description: 'both records committed' });
    // Refused once, not retried.
    expect(attempts).toEqual(['refused', 'after-refused']);
    expect(await creditsFor('refused')).toEqual([]);
    expect(await creditsFor('after-refused')).toEqual([{ message_id: next.id }]);
    const inbox = (await bed.db.dataSource.query(`SELECT message_id FROM "${bed.db.schema}".inbox WHERE consumer_group = $1`, [groupId])) as Array<{ message_id: string }>;
    expect(inbox.map((row) => row.message_id)).toEqual([next.id]);

    const [deadLetter] = await deadLetters.waitForCount(1);
    const record = readDeadLetterRecord(deadLetter!);
    expect(record).toMatchObject({
      originalTopic: topic.name,
      originalPartition: 0,
      originalOffset: '0',
      consumerGroup: groupId,
      messageId: refused.id,
      errorCode: 'CREDIT_REFUSED',
      reason: 'handler refused: fund account 880001 is closed',
    });
    expect(logger.at('error')).toEqual([
      expect.objectContaining({
        message: expect.stringMatching(/^MESSAGE DEAD-LETTERED/),
        fields: expect.objectContaining({ groupId, topic: topic.name, partition: 0, offset: '0', messageId: refused.id, errorCode: 'CREDIT_REFUSED', deadLetterTopic }),
      }),
    ]);

    // The operator fixes the cause and replays the record — twice, by mistake: it is applied once.
    accountClosed = false;
    const replay = replayOf(record!);
    await bed.producer.send({ topic: replay.topic, acks: -1, messages: [replay.message, replay.message] });
    await waitFor(async () => (await committedOffset(bed.kafka, groupId, topic.name)) === '4', { description: 'both replays committed' });
    expect(await creditsFor('refused')).toEqual([{ message_id: refused.id }]);
  });

  it('a transient failure (the database connection lost mid-effect) is retried and applied once it heals; nothing is dead-lettered', async () => {
    const topic = await bed.freshTopic('transient');
    const envelope = newEnvelope(topic, credit('after-connection-loss'), { key: '880001' });
    await produceRaw(topic.name, [encodeEnvelope(envelope)]);
    const groupId = uniqueGroupId('transient');
    const logger = new RecordingLogger();
    let attempts = 0;
    await consumerFor(groupId, { logger, classifyFailure: refusalsArePermanent })
      .subscribe(topic, async (message, manager) => {
        attempts += 1;
        await insertCredit(manager, bed.db.schema, message.payload, message.id);
        // The first attempt's connection dies under it, as when the database fails over.
        if (attempts === 1) await manager.query('SELECT pg_terminate_backend(pg_backend_pid())');
      })
      .start();

    await waitFor(async () => (await committedOffset(bed.kafka, groupId, topic.name)) === '1', { description: 'the record committed after the retry' });
    expect(attempts).toBe(2);
    expect(await creditsFor('after-connection-loss')).toEqual([{ message_id: envelope.id }]);
    expect(logger.at('warn')).toEqual([expect.objectContaining({ fields: expect.objectContaining({ attempt: 1, messageId: envelope.id }) })]);
    expect(logger.entries.filter((entry) => /DEAD-LETTERED/.test(entry.message))).toEqual([]);
  });

  it('a message failing for longer than stuckAfterMs is named by health() (group, topic, partition, offset, message id, last error) and by one ERROR line saying what to do; both clear when it heals', async () => {
    const topic = await bed.freshTopic('stuck');
    const envelope = newEnvelope(topic, credit('stuck'), { key: '880001' });
    await produceRaw(topic.name, [encodeEnvelope(envelope)]);
    const groupId = uniqueGroupId('stuck');
    const logger = new RecordingLogger();
    let healed = false;
    const consumer = consumerFor(groupId, { logger, classifyFailure: refusalsArePermanent, stuckAfterMs: 400 }).subscribe(topic, async (message, manager) => {
      if (!healed) throw new Error('could not serialize access due to concurrent update');
      await insertCredit(manager, bed.db.schema, message.payload, message.id);
    });
    await consumer.start();

    await waitFor(() => consumer.health().stuck.length === 1, { description: 'the message reported stuck' });
    expect(consumer.health().stuck).toEqual([
      {
        groupId,
        topic: topic.name,
        partition: 0,
        offset: '0',
        messageId: envelope.id,
        since: expect.any(String),
        attempts: expect.any(Number),
        lastError: 'could not serialize access due to concurrent update',
      },
    ]);
    await waitFor(() => logger.entries.some((entry) => entry.message.startsWith('PARTITION STUCK')), { description: 'the stuck line' });
    const stuckLines = logger.entries.filter((entry) => entry.message.startsWith('PARTITION STUCK'));
    expect(stuckLines).toEqual([
      expect.objectContaining({
        level: 'error',
        message: expect.stringContaining(`${topic.name}[0] has been on offset 0 (message ${envelope.id}) since`),
        fields: expect.objectContaining({ groupId, offset: '0', messageId: envelope.id, lastError: 'could not serialize access due to concurrent update', action: expect.stringMatching(/Never move the group’s offset past it/) }),
      }),
    ]);
    expect(await committedOffset(bed.kafka, groupId, topic.name)).toBeUndefined();

    healed = true;
    await waitFor(async () => (await committedOffset(bed.kafka, groupId, topic.name)) === '1', { description: 'the record committed once healed' });
    expect(consumer.health().stuck).toEqual([]);
    expect(logger.at('warn')).toContainEqual(expect.objectContaining({ message: 'stuck message settled; its partition moves again', fields: expect.objectContaining({ offset: '0' }) }));
    expect(await creditsFor('stuck')).toEqual([{ message_id: envelope.id }]);
  });

  it('a handler that hangs without ever failing is reported stuck as well, with no error yet', async () => {
    const topic = await bed.freshTopic('hanging');
    const envelope = newEnvelope(topic, credit('hanging'), { key: '880001' });
    await produceRaw(topic.name, [encodeEnvelope(envelope)]);
    const groupId = uniqueGroupId('hanging');
    let release = (): void => undefined;
    const gate = new Promise<void>((resolve) => (release = resolve));
    const consumer = consumerFor(groupId, { stuckAfterMs: 300 }).subscribe(topic, async (message, manager) => {
      await gate;
      await insertCredit(manager, bed.db.schema, message.payload, message.id);
    });
    // Released before the consumer stops, whatever the test's outcome: a stop waits for the handler in hand.
    bed.afterTest(() => release());
    await consumer.start();

    await waitFor(() => consumer.health().stuck.length === 1, { description: 'the hanging message reported stuck' });
    expect(consumer.health().stuck[0]).toMatchObject({ offset: '0', messageId: envelope.id, attempts: 0, lastError: undefined });
    release();
    await waitFor(async () => (await committedOffset(bed.kafka, groupId, topic.name)) === '1', { description: 'the record committed once released' });
    expect(consumer.health().stuck).toEqual([]);
  });
});

describe('at-least-once consumer (no database)', () => {
  it('commits after the handler resolves, retries a failing handler, and dead-letters invalid records', async () => {
    const topic = await bed.freshTopic('at-least-once');
    const deadLetterTopic = uniqueTopicName('dead-letter');
    await ensureTopics(bed.kafka, [deadLetterTopic], { partitions: 1 });
    const deadLetters = await TopicRecorder.start(bed.kafka, [deadLetterTopic]);
    bed.stopAfterTest(deadLetters);
    await produceRaw(topic.name, [encodeEnvelope(newEnvelope(topic, credit('flaky'), { key: '880001' })), 'garbage']);

    const groupId = uniqueGroupId('at-least-once');
    const attempts: string[] = [];
    const offsetsSeenInHandler: Array<string | undefined> = [];
    const consumer = new AtLeastOnceConsumer({ kafka: bed.kafka, groupId, deadLetterTopic, logger: new RecordingLogger(), retry: fastRetry, ...testConsumerTimings });
    bed.stopAfterTest(consumer);
    await consumer
      .subscribe(topic, async (envelope) => {
        attempts.push(envelope.payload.creditId);
        offsetsSeenInHandler.push(await committedOffset(bed.kafka, groupId, topic.name));
        if (attempts.length === 1) throw new Error('bank adapter: Redis briefly unavailable');
      })
      .start();

    await waitFor(async () => (await committedOffset(bed.kafka, groupId, topic.name)) === '2', { description: 'both records committed' });
    expect(attempts).toEqual(['flaky', 'flaky']);
    expect(offsetsSeenInHandler).toEqual([undefined, undefined]);
    const [deadLetter] = await deadLetters.waitForCount(1);
    expect(readDeadLetterRecord(deadLetter!)).toMatchObject({ originalOffset: '1', reason: expect.stringMatching(/^not JSON/) });
  });
});
