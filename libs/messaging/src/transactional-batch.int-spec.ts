import {
  committedOffset,
  RecordingLogger,
  testConsumerTimings,
  TopicRecorder,
  uniqueGroupId,
  uniqueTopicName,
  waitFor,
} from '@custody/testing';
import type { EventEnvelope } from '@custody/contracts';
import type { Consumer, ConsumerConfig, Kafka } from 'kafkajs';
import { readDeadLetterRecord } from './dead-letter';
import { encodeEnvelope } from './envelope.codec';
import { newEnvelope } from './envelope.factory';
import type { FailureClassifier } from './failure-class';
import { ensureTopics } from './topic.provisioning';
import { TransactionalConsumer, type TransactionalConsumerOptions } from './transactional.consumer';
import { appliedCredits, creditTopicNamed, insertCredit, type CreditPayload, type CreditTopic } from './testing/credit.fixture';
import { Outbox } from './outbox';
import { messagingTestbed } from './testing/messaging-testbed';
import { Money } from '@custody/money';
import { randomUUID } from 'node:crypto';

jest.setTimeout(30_000);

const bed = messagingTestbed({ schema: 'tx_batch', clientId: 'transactional-batch-test' });
const fastRetry = { maxAttempts: 3, initialBackoffMs: 50, maxBackoffMs: 100, stalledRetryIntervalMs: 200 };

function credit(creditId: string, fundAccountNo = '880001'): CreditPayload {
  return { creditId, fundAccountNo, amount: Money.parse('25.00') };
}

/** Sends the credits in one request, so that they reach the consumer in one fetch. */
async function produceCredits(topic: CreditTopic, credits: CreditPayload[]): Promise<Array<EventEnvelope<CreditPayload>>> {
  const envelopes = credits.map((payload) => newEnvelope(topic, payload, { key: payload.fundAccountNo }));
  await bed.producer.send({ topic: topic.name, acks: -1, messages: envelopes.map((envelope) => ({ key: envelope.payload.fundAccountNo, value: encodeEnvelope(envelope) })) });
  return envelopes;
}

/** Sends each list of credits to its own partition (the list's index), all in one request. */
async function producePerPartition(topic: CreditTopic, perPartition: CreditPayload[][]): Promise<Array<EventEnvelope<CreditPayload>>> {
  const sent = perPartition.flatMap((credits, partition) => credits.map((payload) => ({ partition, envelope: newEnvelope(topic, payload, { key: payload.fundAccountNo }) })));
  await bed.producer.send({
    topic: topic.name,
    acks: -1,
    messages: sent.map(({ partition, envelope }) => ({ partition, key: envelope.payload.fundAccountNo, value: encodeEnvelope(envelope) })),
  });
  return sent.map(({ envelope }) => envelope);
}

/** The group's committed offset of each partition of the topic, in partition order. */
async function committedOffsets(groupId: string, topicName: string): Promise<string[]> {
  const admin = bed.kafka.admin();
  await admin.connect();
  try {
    const [entry] = await admin.fetchOffsets({ groupId, topics: [topicName] });
    return (entry?.partitions ?? []).sort((a, b) => a.partition - b.partition).map((partition) => partition.offset);
  } finally {
    await admin.disconnect();
  }
}

class CreditRefused extends Error {
  readonly code = 'CREDIT_REFUSED';
}

const refusalsArePermanent: FailureClassifier = (error) => (error instanceof CreditRefused ? 'permanent' : 'transient');

/**
 * The real client, with every offset commit its consumers make written down in order (the committed offsets).
 * `dropCommits` plays a process that dies between its database commit and its offset commit: the broker
 * never hears of them.
 */
function recordingCommits(options: { dropCommits?: boolean } = {}): { kafka: Kafka; commits: string[][] } {
  const commits: string[][] = [];
  const recording = Object.create(bed.kafka) as Kafka;
  recording.consumer = (config: ConsumerConfig): Consumer => {
    const consumer = bed.kafka.consumer(config);
    const commit = consumer.commitOffsets.bind(consumer);
    consumer.commitOffsets = async (offsets) => {
      commits.push(offsets.map((entry) => entry.offset));
      if (!options.dropCommits) await commit(offsets);
    };
    return consumer;
  };
  return { kafka: recording, commits };
}

function consumerFor(groupId: string, extra: Partial<TransactionalConsumerOptions> = {}): TransactionalConsumer {
  const consumer = new TransactionalConsumer({ kafka: bed.kafka, groupId, dataSource: bed.db.dataSource, logger: new RecordingLogger(), retry: fastRetry, ...testConsumerTimings, ...extra });
  bed.stopAfterTest(consumer);
  return consumer;
}

async function creditIds(): Promise<string[]> {
  return (await appliedCredits(bed.db.dataSource, bed.db.schema)).map((row) => row.credit_id);
}

async function inboxOf(groupId: string): Promise<Array<{ message_id: string; xmin: string }>> {
  return bed.db.dataSource.query(`SELECT message_id, xmin::text AS xmin FROM "${bed.db.schema}".inbox WHERE consumer_group = $1 ORDER BY kafka_partition, kafka_offset`, [groupId]);
}

/** The SQL the test schema's connections send from now on (the test's own reads included), to count statements of a kind. */
function recordingStatements(): { matching: (pattern: RegExp) => number } {
  const sent: string[] = [];
  const dataSource = bed.db.dataSource;
  const createQueryRunner = dataSource.createQueryRunner.bind(dataSource);
  jest.spyOn(dataSource, 'createQueryRunner').mockImplementation((mode) => {
    const runner = createQueryRunner(mode);
    const query = runner.query.bind(runner);
    runner.query = ((text: string, ...rest: unknown[]) => {
      sent.push(text);
      return (query as (text: string, ...rest: unknown[]) => Promise<unknown>)(text, ...rest);
    }) as typeof runner.query;
    return runner;
  });
  return { matching: (pattern) => sent.filter((text) => pattern.test(text)).length };
}

function prefixed(prefix: string, count: number): string[] {
  return Array.from({ length: count }, (_unused, index) => `${prefix}-${index}`);
}

describe('transactional consumer: a fetch’s messages in one transaction (real PostgreSQL and Kafka)', () => {
  beforeEach(async () => {
    await bed.db.dataSource.query(`TRUNCATE "${bed.db.schema}".applied_credits`);
  });

  afterEach(() => {
    jest.restoreAllMocks();
  });

  it('the ready messages of a partition are applied in one transaction (one xmin for every inbox entry and effect) and committed with one offset commit', async () => {
    const topic = await bed.freshTopic('one-transaction');
    const ids = prefixed('batch', 10);
    const envelopes = await produceCredits(topic, ids.map((id) => credit(id)));
    const groupId = uniqueGroupId('one-transaction');
    const { kafka: recording, commits } = recordingCommits();
    await consumerFor(groupId, { kafka: recording })
      .subscribe(topic, async (envelope, manager) => insertCredit(manager, bed.db.schema, envelope.payload, envelope.id))
      .start();

    await waitFor(async () => (await committedOffset(bed.kafka, groupId, topic.name)) === '10', { description: 'the ten records committed' });
    expect(commits).toEqual([['10']]);
    expect(await creditIds()).toEqual(ids);
    const inbox = await inboxOf(groupId);
    expect(inbox.map((row) => row.message_id)).toEqual(envelopes.map((envelope) => envelope.id));
    const effects: Array<{ xmin: string }> = await bed.db.dataSource.query(`SELECT DISTINCT xmin::text AS xmin FROM "${bed.db.schema}".applied_credits`);
    expect(new Set([...inbox.map((row) => row.xmin), ...effects.map((row) => row.xmin)]).size).toBe(1);
  });

  it('issue 9: the partitions of a fetch share one transaction (one xmin for every partition’s inbox entries and effects) and one offset commit request', async () => {
    const topic = await bed.freshTopic('group-commit', 4);
    const envelopes = await producePerPartition(topic, [0, 1, 2, 3].map((partition) => [credit(`p${partition}-a`), credit(`p${partition}-b`)]));
    const groupId = uniqueGroupId('group-commit');
    const { kafka: recording, commits } = recordingCommits();
    await consumerFor(groupId, { kafka: recording, partitionsConsumedConcurrently: 4 })
      .subscribe(topic, async (envelope, manager) => insertCredit(manager, bed.db.schema, envelope.payload, envelope.id))
      .start();

    await waitFor(async () => (await committedOffsets(groupId, topic.name)).every((offset) => offset === '2'), { description: 'two records committed on each partition' });
    expect(commits).toEqual([['2', '2', '2', '2']]);
    const inbox = await inboxOf(groupId);
    expect(inbox.map((row) => row.message_id).sort()).toEqual(envelopes.map((envelope) => envelope.id).sort());
    const effects: Array<{ xmin: string }> = await bed.db.dataSource.query(`SELECT DISTINCT xmin::text AS xmin FROM "${bed.db.schema}".applied_credits`);
    expect(new Set([...inbox.map((row) => row.xmin), ...effects.map((row) => row.xmin)]).size).toBe(1);
  });

  it('issue 9: a shared transaction claims the inbox entries of all its messages in one statement and writes all their outbox rows in one, in the order the handlers added them', async () => {
    const topic = await bed.freshTopic('one-claim', 2);
    await producePerPartition(topic, [0, 1].map((partition) => [credit(`c${partition}-a`), credit(`c${partition}-b`), credit(`c${partition}-c`)]));
    const groupId = uniqueGroupId('one-claim');
    const outbox = new Outbox(bed.db.schema);
    const followUp = creditTopicNamed(`${topic.name}.follow-up`);
    const statements = recordingStatements();
    await consumerFor(groupId, { partitionsConsumedConcurrently: 2 })
      .subscribe(topic, async (envelope, manager) => {
        await insertCredit(manager, bed.db.schema, envelope.payload, envelope.id);
        await outbox.add(manager, followUp, { ...envelope.payload, creditId: `${envelope.payload.creditId}-1` }, { key: envelope.key });
        await outbox.add(manager, followUp, { ...envelope.payload, creditId: `${envelope.payload.creditId}-2` }, { key: envelope.key });
      })
      .start();

    await waitFor(async () => (await committedOffsets(groupId, topic.name)).every((offset) => offset === '3'), { description: 'three records committed on each partition' });
    const inbox = await inboxOf(groupId);
    expect(inbox).toHaveLength(6);
    // One transaction (one xmin) applied all six, so one claim and one outbox statement are what it should have taken.
    expect(new Set(inbox.map((row) => row.xmin)).size).toBe(1);
    expect(statements.matching(/INSERT INTO \S*\binbox\b/)).toBe(1);
    expect(statements.matching(/INSERT INTO \S*\boutbox\b/)).toBe(1);
    const rows: Array<{ credit_id: string }> = await bed.db.dataSource.query(`SELECT envelope->'payload'->>'creditId' AS credit_id FROM "${bed.db.schema}".outbox WHERE topic = $1 ORDER BY id`, [followUp.name]);
    const applied = await creditIds();
    expect(rows.map((row) => row.credit_id)).toEqual(applied.flatMap((id) => [`${id}-1`, `${id}-2`]));
  });

  it('issue 9: a message id written in upper case is claimed with the others and applied once (PostgreSQL answers uuids in lower case)', async () => {
    const topic = await bed.freshTopic('upper-case-id');
    const upper = newEnvelope(topic, credit('upper'), { key: '880001', id: randomUUID().toUpperCase() });
    const lower = newEnvelope(topic, credit('lower'), { key: '880001' });
    await bed.producer.send({ topic: topic.name, acks: -1, messages: [upper, lower, upper].map((envelope) => ({ key: '880001', value: encodeEnvelope(envelope) })) });
    const groupId = uniqueGroupId('upper-case-id');
    await consumerFor(groupId)
      .subscribe(topic, async (envelope, manager) => insertCredit(manager, bed.db.schema, envelope.payload, envelope.id))
      .start();

    await waitFor(async () => (await committedOffset(bed.kafka, groupId, topic.name)) === '3', { description: 'the three records committed' });
    expect(await creditIds()).toEqual(['upper', 'lower']);
  });

  it('issue 9: a run cut short gives back the inbox entries claimed for the messages it did not apply, so they are applied when read again, each once', async () => {
    const topic = await bed.freshTopic('cut-short');
    const ids = prefixed('cut', 5);
    await produceCredits(topic, ids.map((id) => credit(id)));
    const groupId = uniqueGroupId('cut-short');
    // No time for a second message: every run claims what is ready and applies only its first.
    await consumerFor(groupId, { batch: { maxDurationMs: 0 } })
      .subscribe(topic, async (envelope, manager) => insertCredit(manager, bed.db.schema, envelope.payload, envelope.id))
      .start();

    await waitFor(async () => (await committedOffset(bed.kafka, groupId, topic.name)) === '5', { description: 'the five records committed' });
    expect(await creditIds()).toEqual(ids);
    const inbox = await inboxOf(groupId);
    expect(new Set(inbox.map((row) => row.xmin)).size).toBe(5);
  });

  it('issue 9: the runs of an offset commit interval share one offset commit, made only after their transactions committed; a stop makes it at once', async () => {
    const topic = await bed.freshTopic('deferred-commits', 3);
    await producePerPartition(topic, [0, 1, 2].map((partition) => [credit(`d${partition}-a`), credit(`d${partition}-b`)]));
    const groupId = uniqueGroupId('deferred-commits');
    const { kafka: recording, commits } = recordingCommits();
    const consumer = consumerFor(groupId, { kafka: recording, offsetCommitIntervalMs: 60_000 }).subscribe(topic, async (envelope, manager) =>
      insertCredit(manager, bed.db.schema, envelope.payload, envelope.id),
    );
    await consumer.start();

    await waitFor(async () => (await creditIds()).length === 6, { description: 'the six credits applied' });
    // Applied, and the interval not over: nothing asked of Kafka yet, so a crash now would deliver them again to the inbox.
    expect(commits).toEqual([]);
    expect(await committedOffsets(groupId, topic.name)).toEqual(['-1', '-1', '-1']);
    await consumer.stop();
    expect(commits).toEqual([['2', '2', '2']]);
    expect(await committedOffsets(groupId, topic.name)).toEqual(['2', '2', '2']);
  });

  it('issue 9: a poison message on one partition of a shared transaction is dead-lettered alone; every other partition’s messages are applied once', async () => {
    const topic = await bed.freshTopic('group-poison', 3);
    const deadLetterTopic = uniqueTopicName('dead-letter');
    await ensureTopics(bed.kafka, [deadLetterTopic], { partitions: 1 });
    const deadLetters = await TopicRecorder.start(bed.kafka, [deadLetterTopic]);
    bed.stopAfterTest(deadLetters);
    const envelopes = await producePerPartition(topic, [
      [credit('p0-a'), credit('p0-b')],
      [credit('p1-a'), credit('poison'), credit('p1-c')],
      [credit('p2-a'), credit('p2-b')],
    ]);
    const groupId = uniqueGroupId('group-poison');
    await consumerFor(groupId, { deadLetterTopic, classifyFailure: refusalsArePermanent, partitionsConsumedConcurrently: 3 })
      .subscribe(topic, async (envelope, manager) => {
        await insertCredit(manager, bed.db.schema, envelope.payload, envelope.id);
        if (envelope.payload.creditId === 'poison') throw new CreditRefused('fund account 880001 is closed');
      })
      .start();

    await waitFor(async () => (await committedOffsets(groupId, topic.name)).join() === '2,3,2', { description: 'every record committed' });
    expect((await creditIds()).sort()).toEqual(['p0-a', 'p0-b', 'p1-a', 'p1-c', 'p2-a', 'p2-b']);
    const poison = envelopes.find((envelope) => envelope.payload.creditId === 'poison')!;
    expect((await inboxOf(groupId)).map((row) => row.message_id)).not.toContain(poison.id);
    const [deadLetter] = await deadLetters.waitForCount(1);
    expect(readDeadLetterRecord(deadLetter!)).toMatchObject({ originalPartition: 1, originalOffset: '1', messageId: poison.id, errorCode: 'CREDIT_REFUSED' });
  });

  it('a poison message in the middle: those before it are applied once and committed, it is dead-lettered with nothing of it applied, those after it are applied; the offset ends past all', async () => {
    const topic = await bed.freshTopic('poison');
    const deadLetterTopic = uniqueTopicName('dead-letter');
    await ensureTopics(bed.kafka, [deadLetterTopic], { partitions: 1 });
    const deadLetters = await TopicRecorder.start(bed.kafka, [deadLetterTopic]);
    bed.stopAfterTest(deadLetters);
    const envelopes = await produceCredits(topic, ['a', 'b', 'poison', 'c', 'd'].map((id) => credit(id)));
    const groupId = uniqueGroupId('poison');
    const { kafka: recording, commits } = recordingCommits();
    const calls: string[] = [];
    // Offsets committed after every run (no interval), so the commits show the runs.
    await consumerFor(groupId, { kafka: recording, deadLetterTopic, classifyFailure: refusalsArePermanent, offsetCommitIntervalMs: 0 })
      .subscribe(topic, async (envelope, manager) => {
        calls.push(envelope.payload.creditId);
        // The effect has begun when the refusal comes: the rollback must take it back.
        await insertCredit(manager, bed.db.schema, envelope.payload, envelope.id);
        if (envelope.payload.creditId === 'poison') throw new CreditRefused('fund account 880001 is closed');
      })
      .start();

    await waitFor(async () => (await committedOffset(bed.kafka, groupId, topic.name)) === '5', { description: 'all five records committed' });
    // The batch rolled back at the poison; the two before it ran again and committed on their own; the poison
    // was refused once and not retried; the rest went on as a batch.
    expect(calls).toEqual(['a', 'b', 'poison', 'a', 'b', 'c', 'd']);
    expect(commits).toEqual([['2'], ['3'], ['5']]);
    expect(await creditIds()).toEqual(['a', 'b', 'c', 'd']);
    expect((await inboxOf(groupId)).map((row) => row.message_id)).toEqual([envelopes[0]!.id, envelopes[1]!.id, envelopes[3]!.id, envelopes[4]!.id]);
    const [deadLetter] = await deadLetters.waitForCount(1);
    expect(readDeadLetterRecord(deadLetter!)).toMatchObject({ originalOffset: '2', messageId: envelopes[2]!.id, errorCode: 'CREDIT_REFUSED', reason: 'handler refused: fund account 880001 is closed' });
  });

  it('a transient failure in the middle: those before it commit, it is retried with backoff (its batch failure counted as attempt 1) while those after it wait, then all are applied in order', async () => {
    const topic = await bed.freshTopic('transient');
    const envelopes = await produceCredits(topic, ['a', 'b', 'flaky', 'c', 'd'].map((id) => credit(id)));
    const groupId = uniqueGroupId('transient');
    const { kafka: recording, commits } = recordingCommits();
    const logger = new RecordingLogger();
    const calls: string[] = [];
    let flakyFailures = 0;
    // Offsets committed after every run (no interval), so the commits show the runs.
    await consumerFor(groupId, { kafka: recording, logger, classifyFailure: refusalsArePermanent, offsetCommitIntervalMs: 0 })
      .subscribe(topic, async (envelope, manager) => {
        calls.push(envelope.payload.creditId);
        await insertCredit(manager, bed.db.schema, envelope.payload, envelope.id);
        if (envelope.payload.creditId === 'flaky' && flakyFailures < 2) {
          flakyFailures += 1;
          throw new Error('deadlock detected');
        }
      })
      .start();

    await waitFor(async () => (await committedOffset(bed.kafka, groupId, topic.name)) === '5', { description: 'all five records committed' });
    expect(calls).toEqual(['a', 'b', 'flaky', 'a', 'b', 'flaky', 'flaky', 'c', 'd']);
    expect(commits).toEqual([['2'], ['3'], ['5']]);
    expect(await creditIds()).toEqual(['a', 'b', 'flaky', 'c', 'd']);
    expect(logger.at('warn').map((entry) => [entry.fields['messageId'], entry.fields['attempt']])).toEqual([
      [envelopes[2]!.id, 1],
      [envelopes[2]!.id, 2],
    ]);
    expect(logger.entries.filter((entry) => /DEAD-LETTERED/.test(entry.message))).toEqual([]);
  });

  it('a stop mid-batch commits the message in hand with those before it and leaves the rest; when the offset commit is lost (a crash between the two commits) the next owner gets it all again and the inbox makes the repeats no-ops', async () => {
    const topic = await bed.freshTopic('crash');
    const ids = prefixed('crash', 10);
    await produceCredits(topic, ids.map((id) => credit(id)));
    const groupId = uniqueGroupId('crash');

    const dying = recordingCommits({ dropCommits: true });
    const firstCalls: string[] = [];
    let release = (): void => undefined;
    const gate = new Promise<void>((resolve) => (release = resolve));
    bed.afterTest(() => release());
    const first = consumerFor(groupId, { kafka: dying.kafka }).subscribe(topic, async (envelope, manager) => {
      firstCalls.push(envelope.payload.creditId);
      await insertCredit(manager, bed.db.schema, envelope.payload, envelope.id);
      if (envelope.payload.creditId === 'crash-3') await gate;
    });
    await first.start();
    await waitFor(() => firstCalls.includes('crash-3'), { description: 'the fourth message in hand' });
    const stopped = first.stop();
    release();
    await stopped;
    expect(firstCalls).toEqual(ids.slice(0, 4));
    expect(dying.commits).toEqual([['4']]);
    expect(await committedOffset(bed.kafka, groupId, topic.name)).toBeUndefined();
    expect(await creditIds()).toEqual(ids.slice(0, 4));

    const logger = new RecordingLogger();
    const secondCalls: string[] = [];
    await consumerFor(groupId, { logger })
      .subscribe(topic, async (envelope, manager) => {
        secondCalls.push(envelope.payload.creditId);
        await insertCredit(manager, bed.db.schema, envelope.payload, envelope.id);
      })
      .start();
    await waitFor(async () => (await committedOffset(bed.kafka, groupId, topic.name)) === '10', { description: 'the ten records committed by the next owner' });
    expect(secondCalls).toEqual(ids.slice(4));
    expect(await creditIds()).toEqual(ids);
    expect(logger.at('info').filter((entry) => entry.message === 'duplicate delivery skipped (inbox)').map((entry) => entry.fields['offset'])).toEqual(['0', '1', '2', '3']);
  });

  it('a handler hanging in the middle of a batch is the one reported stuck (its offset and message id); the batch commits once it returns', async () => {
    const topic = await bed.freshTopic('hanging');
    const envelopes = await produceCredits(topic, ['a', 'hanging', 'b'].map((id) => credit(id)));
    const groupId = uniqueGroupId('hanging');
    const { kafka: recording, commits } = recordingCommits();
    let release = (): void => undefined;
    const gate = new Promise<void>((resolve) => (release = resolve));
    bed.afterTest(() => release());
    // However long it hangs, the message after it still joins its run.
    const consumer = consumerFor(groupId, { kafka: recording, stuckAfterMs: 300, batch: { maxDurationMs: 60_000 } }).subscribe(topic, async (envelope, manager) => {
      if (envelope.payload.creditId === 'hanging') await gate;
      await insertCredit(manager, bed.db.schema, envelope.payload, envelope.id);
    });
    await consumer.start();

    await waitFor(() => consumer.health().stuck.length === 1, { description: 'the hanging message reported stuck' });
    expect(consumer.health().stuck).toEqual([expect.objectContaining({ offset: '1', messageId: envelopes[1]!.id, attempts: 0 })]);
    release();
    await waitFor(async () => (await committedOffset(bed.kafka, groupId, topic.name)) === '3', { description: 'the batch committed once released' });
    expect(consumer.health().stuck).toEqual([]);
    expect(commits).toEqual([['3']]);
    expect(await creditIds()).toEqual(['a', 'hanging', 'b']);
  });

  it('per-key order: with several partitions consumed at once and a failure on one key, each fund account’s credits are applied once and in the order sent', async () => {
    const topic = await bed.freshTopic('order', 3);
    const accounts = ['880001', '880002', '880003', '880004'];
    const sent = Array.from({ length: 40 }, (_unused, index) => credit(`${accounts[index % accounts.length]}-${Math.floor(index / accounts.length)}`, accounts[index % accounts.length]));
    await produceCredits(topic, sent);
    const groupId = uniqueGroupId('order');
    let failed = false;
    await consumerFor(groupId, { partitionsConsumedConcurrently: 3, batch: { maxMessages: 4 } })
      .subscribe(topic, async (envelope, manager) => {
        await insertCredit(manager, bed.db.schema, envelope.payload, envelope.id);
        if (envelope.payload.creditId === '880002-3' && !failed) {
          failed = true;
          throw new Error('could not serialize access due to concurrent update');
        }
      })
      .start();

    await waitFor(async () => (await appliedCredits(bed.db.dataSource, bed.db.schema)).length === sent.length, { description: 'every credit applied' });
    const applied = await appliedCredits(bed.db.dataSource, bed.db.schema);
    for (const account of accounts) {
      const ofAccount = (rows: Array<{ credit_id: string }>) => rows.map((row) => row.credit_id).filter((id) => id.startsWith(account));
      expect(ofAccount(applied)).toEqual(ofAccount(sent.map((payload) => ({ credit_id: payload.creditId }))));
    }
    expect(failed).toBe(true);
  });
});
