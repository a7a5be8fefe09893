import { randomUUID } from 'node:crypto';
import { qualifiedTable, type RetentionTask } from '@custody/persistence';
import { createTestKafka, createTestSchema, requireInfrastructure, uniqueTopicName, type TestSchema } from '@custody/testing';
import type { Kafka } from 'kafkajs';
import { claimInboxEntry, inboxRetention } from './inbox';
import { Outbox, outboxRetention } from './outbox';
import { createOutboxInboxMigration, outboxTraceContextMigration } from './outbox-inbox.migration';
import { redeliveryHorizonMs } from './redelivery-horizon';
import { creditTopicNamed } from './testing/credit.fixture';
import { ensureTopics } from './topic.provisioning';

const HOUR_MS = 3_600_000;

/** Retention of the messaging scaffolding (docs/design.md "Retention") on the real PostgreSQL and Kafka. */
describe('messaging retention (real PostgreSQL, real Kafka)', () => {
  let db: TestSchema;
  let kafka: Kafka;

  beforeAll(async () => {
    await requireInfrastructure({ postgres: true, kafka: true });
    db = await createTestSchema({ name: 'messaging_retention', migrations: (schema) => [createOutboxInboxMigration({ schema }), outboxTraceContextMigration({ schema })] });
    kafka = createTestKafka('messaging-retention-test');
  });

  afterAll(() => db?.drop());

  const inbox = () => qualifiedTable(db.schema, 'inbox');
  const prune = (task: RetentionTask, limit = 1000) => db.dataSource.transaction((manager) => task.pruneBatch(manager, limit));

  /** An inbox entry of `group` processed `hoursAgo` hours ago; returns its message id. */
  async function processed(group: string, hoursAgo: number): Promise<string> {
    const messageId = randomUUID();
    await db.dataSource.transaction((manager) => claimInboxEntry(manager, db.schema, { consumerGroup: group, messageId, messageType: 'credit', topic: 't', partition: 0, offset: '0' }));
    await db.dataSource.query(`UPDATE ${inbox()} SET processed_at = now() - make_interval(hours => $2) WHERE message_id = $1`, [messageId, hoursAgo]);
    return messageId;
  }

  const entriesOf = async (group: string) =>
    ((await db.dataSource.query(`SELECT message_id FROM ${inbox()} WHERE consumer_group = $1`, [group])) as Array<{ message_id: string }>).map((r) => r.message_id).sort();

  it('inbox: entries processed longer ago than the retention are pruned; a recent one is kept and still makes a redelivery a duplicate', async () => {
    const group = `g-${randomUUID()}`;
    const old = [await processed(group, 49), await processed(group, 72)];
    const recent = await processed(group, 47);
    expect(await prune(inboxRetention(db.schema, 48 * HOUR_MS))).toBe(old.length);
    expect(await entriesOf(group)).toEqual([recent]);
    const redelivered = await db.dataSource.transaction((manager) =>
      claimInboxEntry(manager, db.schema, { consumerGroup: group, messageId: recent, messageType: 'credit', topic: 't', partition: 0, offset: '0' }),
    );
    expect(redelivered).toBe(false);
  });

  it('a batch deletes at most its limit, and skips a row another transaction holds instead of waiting for it', async () => {
    const group = `g-${randomUUID()}`;
    const old = [];
    for (let i = 0; i < 5; i += 1) old.push(await processed(group, 100 + i));
    // Older than any other test's entries in this schema, so only these five are expired.
    const task = inboxRetention(db.schema, 99 * HOUR_MS);
    const holder = db.dataSource.createQueryRunner();
    await holder.connect();
    try {
      await holder.startTransaction();
      await holder.query(`SELECT 1 FROM ${inbox()} WHERE message_id = $1 FOR UPDATE`, [old[0]]);
      expect(await prune(task, 3)).toBe(3);
      expect(await prune(task, 3)).toBe(1);
      expect(await entriesOf(group)).toEqual([old[0]]);
      await holder.commitTransaction();
    } finally {
      await holder.release();
    }
    expect(await prune(task, 3)).toBe(1);
    expect(await entriesOf(group)).toEqual([]);
  });

  it('outbox: published rows older than the retention are pruned; unpublished ones never, however old', async () => {
    const outbox = new Outbox(db.schema);
    const topic = creditTopicNamed(uniqueTopicName('retention'));
    const table = qualifiedTable(db.schema, 'outbox');
    const credit = (creditId: string) => ({ creditId, fundAccountNo: '100000000001', amount: '1.00' });
    await db.dataSource.transaction(async (manager) => {
      for (const id of ['old-published', 'recent-published', 'old-unpublished']) await outbox.add(manager, topic, credit(id), { key: '1' });
    });
    const byCredit = `envelope->'payload'->>'creditId'`;
    await db.dataSource.query(`UPDATE ${table} SET created_at = now() - interval '30 days' WHERE topic = $1`, [topic.name]);
    await db.dataSource.query(`UPDATE ${table} SET published_at = now() - interval '8 days' WHERE ${byCredit} = 'old-published'`);
    await db.dataSource.query(`UPDATE ${table} SET published_at = now() - interval '6 days' WHERE ${byCredit} = 'recent-published'`);
    expect(await prune(outboxRetention(db.schema, 7 * 24 * HOUR_MS))).toBe(1);
    const left = (await db.dataSource.query(`SELECT ${byCredit} AS id FROM ${table} WHERE topic = $1 ORDER BY id`, [topic.name])) as Array<{ id: string }>;
    expect(left.map((row) => row.id)).toEqual(['old-unpublished', 'recent-published']);
  });

  it('redelivery horizon: retention.ms + segment.ms of the topic keeping messages longest', async () => {
    const long = uniqueTopicName('horizon-long');
    const short = uniqueTopicName('horizon-short');
    await ensureTopics(kafka, [long], { partitions: 1, configEntries: [{ name: 'retention.ms', value: String(HOUR_MS) }, { name: 'segment.ms', value: String(2 * HOUR_MS) }] });
    await ensureTopics(kafka, [short], { partitions: 1, configEntries: [{ name: 'retention.ms', value: '60000' }, { name: 'segment.ms', value: '60000' }] });
    expect(await redeliveryHorizonMs(kafka, [short, long])).toBe(3 * HOUR_MS);
  });

  it.each([
    ['retention.ms -1', [{ name: 'retention.ms', value: '-1' }]],
    ['a compacted topic', [{ name: 'cleanup.policy', value: 'compact' }]],
  ])('redelivery horizon: a topic that keeps messages forever (%s) has none, so inbox entries must be kept forever', async (_case, configEntries) => {
    const topic = uniqueTopicName('horizon-forever');
    await ensureTopics(kafka, [topic], { partitions: 1, configEntries });
    expect(await redeliveryHorizonMs(kafka, [topic])).toBe(Infinity);
  });
});
