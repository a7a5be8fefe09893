import { databaseUrlOf, qualifiedTable } from '@custody/persistence';
import {
  committedOffset,
  statementsDuring,
  testConsumerTimings,
  TopicRecorder,
  uniqueGroupId,
  uniqueTopicName,
  waitFor,
} from '@custody/testing';
import type { Producer } from 'kafkajs';
import { Client } from 'pg';
import { createIdempotentProducer } from './kafka.factory';
import { quietLogger } from './messaging.logger';
import { Outbox, OutboxOutsideTransactionError } from './outbox';
import { OUTBOX_VACUUM_THRESHOLD } from './outbox-inbox.migration';
import { OutboxRelay, type RelayProducer } from './outbox.relay';
import { RELAY_SESSION_OPTIONS, relayStatements } from './outbox-relay.statements';
import { TransactionalConsumer } from './transactional.consumer';
import { appliedCredits, creditTopicNamed, insertCredit, type CreditPayload } from './testing/credit.fixture';
import { messagingTestbed } from './testing/messaging-testbed';
import { Money } from '@custody/money';
import { context, trace } from '@opentelemetry/api';
import { W3CTraceContextPropagator } from '@opentelemetry/core';
import { NodeTracerProvider } from '@opentelemetry/sdk-trace-node';

jest.setTimeout(30_000);

const bed = messagingTestbed({
  schema: 'outbox_relay',
  clientId: 'outbox-relay-test',
  outboxVacuum: true,
  // The relays under test bring their own producers, some held or broken on purpose.
  producer: false,
  // Stopping a test's consumers, relays and connections leaves Kafka groups one by one: on a loaded machine (CI beside
  // other work) that took longer than jest's 30 s for a hook.
  afterTestTimeoutMs: 120_000,
});
let outbox: Outbox;

beforeAll(() => {
  outbox = new Outbox(bed.db.schema);
});

async function startRelay(options: { producer?: RelayProducer; pollIntervalMs?: number; lingerMs?: number } = {}): Promise<OutboxRelay> {
  const relay = new OutboxRelay({ dataSource: bed.db.dataSource, kafka: bed.kafka, logger: quietLogger, pollIntervalMs: 200, ...options });
  await relay.start();
  bed.stopAfterTest(relay);
  return relay;
}

async function record(topicName: string): Promise<TopicRecorder> {
  const recorder = await TopicRecorder.start(bed.kafka, [topicName]);
  bed.stopAfterTest(recorder);
  return recorder;
}

function credit(creditId: string, fundAccountNo = '880001'): CreditPayload {
  return { creditId, fundAccountNo, amount: Money.parse('10.00') };
}

interface PlanNode {
  'Node Type': string;
  'Shared Hit Blocks': number;
  'Shared Read Blocks': number;
  Plans?: PlanNode[];
}

function nodeTypes(plan: PlanNode): string[] {
  return [plan['Node Type'], ...(plan.Plans ?? []).flatMap(nodeTypes)];
}

function blocksOf(plan: PlanNode): number {
  return plan['Shared Hit Blocks'] + plan['Shared Read Blocks'];
}

async function unpublishedCount(): Promise<number> {
  const [{ count }] = (await bed.db.dataSource.query(`SELECT count(*)::int AS count FROM ${qualifiedTable(bed.db.schema, 'outbox')} WHERE published_at IS NULL`)) as Array<{ count: number }>;
  return count;
}

describe('transactional outbox and relay (real PostgreSQL and Kafka)', () => {
  it('no dual write: a rolled-back transaction publishes nothing, a committed one is published', async () => {
    const topic = await bed.freshTopic('rollback');
    await startRelay();
    const recorder = await record(topic.name);

    await expect(
      bed.db.dataSource.transaction(async (manager) => {
        await insertCredit(manager, bed.db.schema, credit('rolled-back'));
        await outbox.add(manager, topic, credit('rolled-back'), { key: '880001' });
        throw new Error('the state change fails after the message was written');
      }),
    ).rejects.toThrow('the state change fails');
    await bed.db.dataSource.transaction(async (manager) => {
      await insertCredit(manager, bed.db.schema, credit('committed'));
      await outbox.add(manager, topic, credit('committed'), { key: '880001' });
    });

    await recorder.waitForCount(1);
    await waitFor(async () => (await unpublishedCount()) === 0, { description: 'the committed row to be marked published' });
    expect(recorder.messages.map((message) => (message.json as { payload: CreditPayload }).payload.creditId)).toEqual(['committed']);
    expect((await appliedCredits(bed.db.dataSource, bed.db.schema)).map((row) => row.credit_id)).not.toContain('rolled-back');
  });

  it('issue 9: the outbox is vacuumed after a fixed number of changed rows, whatever its size (dead index entries slow every pass)', async () => {
    const [{ reloptions }] = await bed.db.dataSource.query(`SELECT reloptions FROM pg_class WHERE oid = $1::regclass`, [qualifiedTable(bed.db.schema, 'outbox')]);
    expect(reloptions).toEqual(expect.arrayContaining(['autovacuum_vacuum_scale_factor=0', `autovacuum_vacuum_threshold=${OUTBOX_VACUUM_THRESHOLD}`]));
  });

  it('issue 9: a pass walks the index of unpublished rows, so rows published since the last vacuum cost it nothing (a bitmap scan visits each one on every pass)', async () => {
    const table = qualifiedTable(bed.db.schema, 'outbox');
    // 3,000 rows published and not yet vacuumed: each left a dead entry in the index of unpublished rows.
    await bed.db.dataSource.query(
      `INSERT INTO ${table} (message_id, topic, message_key, envelope) SELECT gen_random_uuid(), 'published-long-ago', 'k', '{}' FROM generate_series(1, 3000)`,
    );
    await bed.db.dataSource.query(`UPDATE ${table} SET published_at = now() WHERE topic = 'published-long-ago'`);
    const session = new Client({ connectionString: databaseUrlOf(bed.db.dataSource), options: RELAY_SESSION_OPTIONS });
    await session.connect();
    try {
      const readPlan = async (): Promise<PlanNode> =>
        ((await session.query(`EXPLAIN (ANALYZE, BUFFERS, FORMAT JSON) ${relayStatements(bed.db.schema).read}`, [200])).rows[0] as { 'QUERY PLAN': Array<{ Plan: PlanNode }> })['QUERY PLAN'][0]!.Plan;
      const first = await readPlan();
      expect(nodeTypes(first)).not.toContain('Bitmap Heap Scan');
      // The first read flags the dead entries (once no snapshot of another session still sees their rows); from then on a
      // read touches a handful of index pages, not the 3,000 rows.
      await waitFor(async () => blocksOf(await readPlan()) < 30, { description: 'a read of the outbox to skip the published rows', timeoutMs: 15_000 });
    } finally {
      await session.end();
    }
  });

  it('issue 9: the relay marks rows without waiting for the WAL to reach disk (a lost mark only publishes again); the service writes its rows durably', async () => {
    const session = new Client({ connectionString: databaseUrlOf(bed.db.dataSource), options: RELAY_SESSION_OPTIONS });
    await session.connect();
    try {
      expect((await session.query('SHOW synchronous_commit')).rows).toEqual([{ synchronous_commit: 'off' }]);
    } finally {
      await session.end();
    }
    expect(await bed.db.dataSource.query('SHOW synchronous_commit')).toEqual([{ synchronous_commit: 'on' }]);
  });

  it('no dual write: Outbox.add outside a transaction is refused', async () => {
    const topic = creditTopicNamed(uniqueTopicName('no-tx'));
    await expect(outbox.add(bed.db.dataSource.manager, topic, credit('x'), { key: '880001' })).rejects.toThrow(OutboxOutsideTransactionError);
  });

  it('a relay that dies between Kafka’s ack and the mark republishes on restart, and the inbox applies the message exactly once', async () => {
    const topic = await bed.freshTopic('crash-before-mark');
    const recorder = await record(topic.name);
    const envelope = await bed.db.dataSource.transaction((manager) => outbox.add(manager, topic, credit('crash-1'), { key: '880001' }));

    // The first relay's producer really delivers, then the relay "dies" before it can mark the row.
    const realProducer: Producer = createIdempotentProducer(bed.kafka);
    const dyingProducer: RelayProducer = {
      connect: () => realProducer.connect(),
      disconnect: () => realProducer.disconnect(),
      sendBatch: async (batch) => {
        const acknowledged = await realProducer.sendBatch(batch);
        void acknowledged;
        throw new Error('relay process died after Kafka acknowledged, before marking the rows');
      },
    };
    const dyingRelay = new OutboxRelay({ dataSource: bed.db.dataSource, producer: dyingProducer, logger: quietLogger });
    await dyingProducer.connect();
    await expect(dyingRelay.publishPending()).rejects.toThrow('relay process died');
    await dyingProducer.disconnect();
    await recorder.waitForCount(1);
    expect(await unpublishedCount()).toBe(1);

    // The restarted relay finds the row still unpublished and sends it again: a duplicate on the wire.
    await startRelay();
    await waitFor(async () => (await unpublishedCount()) === 0, { description: 'the restarted relay to mark the row' });
    const onTheWire = await recorder.waitForCount(2);
    expect(onTheWire.map((message) => (message.json as { id: string }).id)).toEqual([envelope.id, envelope.id]);

    // A transactional consumer sees both copies and applies the credit once.
    const groupId = uniqueGroupId('crash-before-mark');
    let handled = 0;
    const consumer = new TransactionalConsumer({ kafka: bed.kafka, groupId, dataSource: bed.db.dataSource, logger: quietLogger, ...testConsumerTimings });
    consumer.subscribe(topic, async (message, manager) => {
      handled += 1;
      await insertCredit(manager, bed.db.schema, message.payload, message.id);
    });
    await consumer.start();
    bed.stopAfterTest(consumer);
    await waitFor(async () => (await committedOffset(bed.kafka, groupId, topic.name)) === '2', { description: 'both copies consumed' });
    expect(handled).toBe(1);
    expect((await appliedCredits(bed.db.dataSource, bed.db.schema)).filter((row) => row.credit_id === 'crash-1')).toHaveLength(1);
  });

  it('a committed row is published once when nothing fails, and a second pass finds nothing to send', async () => {
    const topic = await bed.freshTopic('once');
    const recorder = await record(topic.name);
    await bed.db.dataSource.transaction((manager) => outbox.add(manager, topic, credit('once'), { key: '880001' }));
    const relay = new OutboxRelay({ dataSource: bed.db.dataSource, kafka: bed.kafka, logger: quietLogger });
    await relay.start();
    bed.stopAfterTest(relay);
    await waitFor(async () => (await unpublishedCount()) === 0, { description: 'the row to be marked' });
    expect(await relay.publishPending()).toEqual({ published: 0, busy: false });
    await recorder.waitForCount(1);
    // Give a stray duplicate the time to show up; none may.
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(recorder.messages).toHaveLength(1);
  });

  it('issue 9: while rows keep coming a pass keeps the lock and marks each batch in the statement that reads the next; a pass that does not linger lets go once a read finds none', async () => {
    const topic = await bed.freshTopic('drain');
    const recorder = await record(topic.name);
    for (let sequence = 1; sequence <= 5; sequence += 1) {
      await bed.db.dataSource.transaction((manager) => outbox.add(manager, topic, credit(`drain-${sequence}`, '880043'), { key: '880043' }));
    }
    const producer = createIdempotentProducer(bed.kafka);
    await producer.connect();
    bed.afterTest(() => producer.disconnect());
    const relay = new OutboxRelay({ dataSource: bed.db.dataSource, producer, logger: quietLogger, batchSize: 2 });
    bed.stopAfterTest(relay);
    // What the relay's own connection is asked (the service's pool uses pg's Client too: only the relay's statements count).
    const query = jest.spyOn(Client.prototype, 'query');
    const relayStatements = () =>
      query.mock.calls
        .filter((_call, index) => (query.mock.contexts[index] as { connectionParameters: { application_name?: string } }).connectionParameters.application_name === `${bed.db.schema}-outbox-relay`)
        .map(([sql]) => (typeof sql === 'string' ? sql : ''));
    try {
      const result = await relay.publishPending();
      expect(result).toEqual({ published: 5, busy: false });
      const kinds = relayStatements().map((sql) =>
        /pg_try_advisory_lock/.test(sql) ? 'lock' : /pg_advisory_unlock/.test(sql) ? 'unlock' : /^WITH marked/.test(sql) ? 'mark+read' : /^SELECT id/.test(sql) ? 'read' : sql,
      );
      expect(kinds).toEqual(['lock', 'read', 'mark+read', 'mark+read', 'mark+read', 'unlock']);
    } finally {
      query.mockRestore();
    }
    const received = await recorder.waitForCount(5);
    expect(received.map((message) => (message.json as { payload: CreditPayload }).payload.creditId)).toEqual(['drain-1', 'drain-2', 'drain-3', 'drain-4', 'drain-5']);
    expect(await unpublishedCount()).toBe(0);
    // The lock was let go: another relay gets its own pass.
    const other = new OutboxRelay({ dataSource: bed.db.dataSource, producer, logger: quietLogger });
    bed.stopAfterTest(other);
    expect(await other.publishPending()).toEqual({ published: 0, busy: false });
  });

  it('per-key order: with two relays running, one key’s messages arrive once each and in commit order', async () => {
    const topic = await bed.freshTopic('order');
    const recorder = await record(topic.name);
    await Promise.all([startRelay({ pollIntervalMs: 20 }), startRelay({ pollIntervalMs: 20 })]);
    for (let sequence = 1; sequence <= 30; sequence += 1) {
      await bed.db.dataSource.transaction((manager) => outbox.add(manager, topic, credit(`seq-${sequence}`, '880042'), { key: '880042' }));
    }
    const received = await recorder.waitForCount(30);
    await waitFor(async () => (await unpublishedCount()) === 0, { description: 'all rows marked' });
    expect(received.map((message) => (message.json as { payload: CreditPayload }).payload.creditId)).toEqual(
      Array.from({ length: 30 }, (_unused, index) => `seq-${index + 1}`),
    );
  });

  it('a commit wakes the relay of its process once it has committed, long before the next poll (a wake before the commit would find nothing)', async () => {
    const topic = await bed.freshTopic('wake');
    const recorder = await record(topic.name);
    await startRelay({ pollIntervalMs: 30_000 });
    // Let the relay's first pass run and settle into waiting for the next poll.
    await new Promise((resolve) => setTimeout(resolve, 300));
    await bed.db.dataSource.transaction(async (manager) => {
      await outbox.add(manager, topic, credit('woken'), { key: '880001' });
      // Long enough for a relay woken at the write to make its pass, find nothing committed and sleep for 30 s.
      await new Promise((resolve) => setTimeout(resolve, 300));
    });
    const committedAt = Date.now();
    await recorder.waitForCount(1, { timeoutMs: 10_000 });
    expect(Date.now() - committedAt).toBeLessThan(10_000);
  });

  it('no pg_notify: an outbox write issues no NOTIFY, so commits do not queue on its lock', async () => {
    const topic = await bed.freshTopic('no-notify');
    const statements = await statementsDuring(bed.db.dataSource, () =>
      bed.db.dataSource.transaction((manager) => outbox.add(manager, topic, credit('quiet'), { key: '880001' })),
    );
    expect(statements.some((sql) => sql.includes('INSERT INTO'))).toBe(true);
    expect(statements.filter((sql) => /notify/i.test(sql))).toEqual([]);
    // Leave no row behind for the next test's relays.
    await startRelay();
    await waitFor(async () => (await unpublishedCount()) === 0, { description: 'the row to be published' });
  });

  it('issue 9: while commits keep coming, a running relay keeps the relay lock between them, and lets go lingerMs after the last', async () => {
    const topic = await bed.freshTopic('linger');
    const recorder = await record(topic.name);
    await startRelay({ pollIntervalMs: 30_000, lingerMs: 400 });
    const observer = new Client({ connectionString: databaseUrlOf(bed.db.dataSource) });
    await observer.connect();
    bed.afterTest(() => observer.end());
    // The relay's session holds the schema's advisory lock (the relay's own connection, named after the schema).
    const lockHeld = async () =>
      (
        await observer.query<{ held: boolean }>(
          `SELECT EXISTS (SELECT 1 FROM pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid
                           WHERE l.locktype = 'advisory' AND l.granted AND a.application_name = $1) AS held`,
          [`${bed.db.schema}-outbox-relay`],
        )
      ).rows[0].held;

    const samples: boolean[] = [];
    for (let i = 1; i <= 6; i += 1) {
      await bed.db.dataSource.transaction((manager) => outbox.add(manager, topic, credit(`steady-${i}`), { key: '880001' }));
      await recorder.waitForCount(i);
      // Between commits 100 ms apart a relay without the linger has long let go (a pass takes a few ms).
      for (let sample = 0; sample < 4; sample += 1) {
        await new Promise((resolve) => setTimeout(resolve, 25));
        samples.push(await lockHeld());
      }
    }
    expect(samples.filter((held) => !held)).toEqual([]);
    await waitFor(async () => !(await lockHeld()), { description: 'the lock let go once no commit came for lingerMs', timeoutMs: 5_000 });
  });

  it('issue 9: a running relay marks a sent batch in the statement that reads the next commit’s rows — one statement per wake under steady load — and marks the last one when no commit came for lingerMs', async () => {
    const topic = await bed.freshTopic('mark-with-next');
    const recorder = await record(topic.name);
    const query = jest.spyOn(Client.prototype, 'query');
    const relayStatements = () =>
      query.mock.calls
        .filter((_call, index) => (query.mock.contexts[index] as { connectionParameters: { application_name?: string } }).connectionParameters.application_name === `${bed.db.schema}-outbox-relay`)
        .map(([sql]) => (typeof sql === 'string' ? sql : ''))
        .map((sql) => (/pg_try_advisory_lock/.test(sql) ? 'lock' : /pg_advisory_unlock/.test(sql) ? 'unlock' : /^WITH marked/.test(sql) ? 'mark+read' : /^SELECT id/.test(sql) ? 'read' : /^UPDATE/.test(sql) ? 'mark' : sql));
    try {
      await startRelay({ pollIntervalMs: 30_000, lingerMs: 400 });
      await waitFor(async () => relayStatements().includes('read'), { description: 'the first pass reads (nothing yet)' });
      for (let i = 1; i <= 3; i += 1) {
        await bed.db.dataSource.transaction((manager) => outbox.add(manager, topic, credit(`steady-${i}`), { key: '880001' }));
        await recorder.waitForCount(i);
      }
      await waitFor(async () => relayStatements().includes('unlock'), { description: 'the pass ended once no commit came for lingerMs', timeoutMs: 5_000 });
      expect(await unpublishedCount()).toBe(0);
      // The first commit finds the pass lingering on an empty read; each later one finds a sent batch waiting for its mark.
      expect(relayStatements()).toEqual(['lock', 'read', 'read', 'mark+read', 'mark+read', 'mark', 'unlock']);
    } finally {
      query.mockRestore();
    }
  });

  it('a relay woken while another holds the lock tries again within tens of ms, not at its next poll', async () => {
    const topic = await bed.freshTopic('busy');
    const recorder = await record(topic.name);
    // Another replica's relay at the end of its pass: it holds the lock, its last read came before the commit
    // below, and it will not look again until its own next wake or poll.
    const holder = new Client({ connectionString: databaseUrlOf(bed.db.dataSource) });
    await holder.connect();
    bed.afterTest(() => holder.end());
    await holder.query(`SELECT pg_advisory_lock(hashtextextended($1, 0))`, [`custody.outbox-relay:${bed.db.schema}`]);

    await startRelay({ pollIntervalMs: 30_000 });
    await bed.db.dataSource.transaction((manager) => outbox.add(manager, topic, credit('after-1'), { key: '880001' }));
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(recorder.messages).toHaveLength(0);
    const releasedAt = Date.now();
    await holder.query(`SELECT pg_advisory_unlock(hashtextextended($1, 0))`, [`custody.outbox-relay:${bed.db.schema}`]);
    const received = await recorder.waitForCount(1, { timeoutMs: 10_000 });
    expect(Date.now() - releasedAt).toBeLessThan(10_000);
    expect(received.map((message) => (message.json as { payload: CreditPayload }).payload.creditId)).toEqual(['after-1']);
  });

  it('a pass takes the rows committed while it was sending before it lets go of the lock', async () => {
    const topic = await bed.freshTopic('held');
    const recorder = await record(topic.name);
    await bed.db.dataSource.transaction((manager) => outbox.add(manager, topic, credit('held-1'), { key: '880001' }));
    const held = await heldProducer(createIdempotentProducer(bed.kafka));
    const holder = new OutboxRelay({ dataSource: bed.db.dataSource, producer: held.producer, logger: quietLogger });
    bed.stopAfterTest(holder);
    const holderPass = holder.publishPending();
    await held.sending;
    await bed.db.dataSource.transaction((manager) => outbox.add(manager, topic, credit('after-1'), { key: '880001' }));
    held.release();
    expect(await holderPass).toEqual({ published: 2, busy: false });
    const received = await recorder.waitForCount(2);
    expect(received.map((message) => (message.json as { payload: CreditPayload }).payload.creditId)).toEqual(['held-1', 'after-1']);
    expect(await unpublishedCount()).toBe(0);
  });

  it('a relay paused mid-send loses its lock after lockIdleTimeoutMs: another publishes every row; the paused one, resumed, only duplicates', async () => {
    const topic = await bed.freshTopic('paused');
    const recorder = await record(topic.name);
    await bed.db.dataSource.transaction((manager) => outbox.add(manager, topic, credit('paused-1'), { key: '880001' }));
    // Paused as by SIGSTOP: its send does not return and its own timers do not fire (a send timeout far away).
    const held = await heldProducer(createIdempotentProducer(bed.kafka));
    const paused = new OutboxRelay({ dataSource: bed.db.dataSource, producer: held.producer, logger: quietLogger, sendTimeoutMs: 120_000, lockIdleTimeoutMs: 1_500 });
    bed.stopAfterTest(paused);
    const pausedPass = paused.publishPending();
    await held.sending;

    await startRelay({ pollIntervalMs: 200 });
    await bed.db.dataSource.transaction((manager) => outbox.add(manager, topic, credit('paused-2'), { key: '880001' }));
    await recorder.waitForCount(2, { timeoutMs: 15_000 });
    await waitFor(async () => (await unpublishedCount()) === 0, { description: 'the other relay to mark both rows' });

    // Resumed: its batch goes out again, and its mark fails with the session PostgreSQL ended.
    held.release();
    await expect(pausedPass).rejects.toThrow();
    const received = await recorder.waitForCount(3, { timeoutMs: 10_000 });
    expect(received.map((message) => (message.json as { payload: CreditPayload }).payload.creditId)).toEqual(['paused-1', 'paused-2', 'paused-1']);
    expect(await unpublishedCount()).toBe(0);
  });
});

/** A connected producer whose next send waits, once it has begun, until the test releases it; then it really sends. */
async function heldProducer(real: Producer): Promise<{ producer: RelayProducer; sending: Promise<void>; release: () => void }> {
  let began!: () => void;
  const sending = new Promise<void>((resolve) => (began = resolve));
  let release!: () => void;
  const released = new Promise<void>((resolve) => (release = resolve));
  const producer: RelayProducer = {
    connect: () => real.connect(),
    disconnect: () => real.disconnect(),
    sendBatch: async (batch) => {
      began();
      await released;
      return real.sendBatch(batch);
    },
  };
  await real.connect();
  bed.afterTest(() => real.disconnect());
  return { producer, sending, release };
}

describe('the trace of a message (issue 11)', () => {
  // Global to this file's process: spans anywhere in it are now real (and recorded nowhere).
  const provider = new NodeTracerProvider();
  beforeAll(() => provider.register({ propagator: new W3CTraceContextPropagator() }));
  afterAll(() => provider.shutdown());

  it('a row goes out with the trace of the transaction that wrote it (traceparent header); one written outside any trace with none', async () => {
    const topic = await bed.freshTopic('traced');
    await startRelay();
    const recorder = await record(topic.name);
    const span = trace.getTracer('test').startSpan('POST /v1/transfers');
    await context.with(trace.setSpan(context.active(), span), () =>
      bed.db.dataSource.transaction(async (manager) => {
        await outbox.add(manager, topic, credit('traced'), { key: '880001' });
      }),
    );
    span.end();
    await bed.db.dataSource.transaction(async (manager) => {
      await outbox.add(manager, topic, credit('untraced'), { key: '880001' });
    });

    await recorder.waitForCount(2);
    const [traced, untraced] = recorder.messages;
    const { traceId, spanId } = span.spanContext();
    expect(String(traced!.headers.traceparent)).toBe(`00-${traceId}-${spanId}-01`);
    expect(untraced!.headers.traceparent).toBeUndefined();
    expect(String(untraced!.headers['message-id'])).toMatch(/^[0-9a-f-]{36}$/);
  });
});
