import { randomBytes, randomUUID } from 'node:crypto';
import { claimInboxEntry, inboxRetention } from '@custody/messaging';
import { qualifiedTable, type RetentionTask } from '@custody/persistence';
import { createTestDatabase, requireInfrastructure, type TestDatabase } from '@custody/testing';
import { idempotencyRetention, IdempotencyStore } from './idempotency';
import { RetentionJob } from './retention.job';
import { DAY_MS } from './retention-settings';
import { serviceMigrations } from './service-runtime';

/** The retention job (docs/design.md "Retention") on a service schema migrated as production migrates it. */
describe('retention job (real PostgreSQL)', () => {
  const SCHEMA = 'svc';
  const sealingKey = randomBytes(32);
  let db: TestDatabase;
  let keys: IdempotencyStore;

  beforeAll(async () => {
    await requireInfrastructure({ postgres: true });
    // A database of its own: CREATE INDEX CONCURRENTLY in the migrations waits for every older transaction of its
    // database, and other test files' transactions in a shared one would hold it up.
    db = await createTestDatabase({ name: 'service_kit_retention', schema: SCHEMA, migrations: serviceMigrations(SCHEMA, sealingKey, []) });
    keys = new IdempotencyStore(SCHEMA, sealingKey);
  });

  afterAll(() => db?.drop());

  const job = (tasks: RetentionTask[], batchSize = 100) => new RetentionJob({ dataSource: db.dataSource, schema: SCHEMA, tasks, intervalMs: 60_000, batchSize, pauseMs: 0 });
  const inbox = () => qualifiedTable(SCHEMA, 'inbox');
  const keysTable = () => qualifiedTable(SCHEMA, 'idempotency_keys');

  /** A request the way the services make them: the key claimed, and completed with the resource when new. */
  const request = (requestId: string, body: unknown, resourceId: string) =>
    db.dataSource.transaction(async (manager) => {
      const { replayOf } = await keys.claim(manager, 'transfer', requestId, body);
      if (replayOf) return replayOf;
      await keys.complete(manager, 'transfer', requestId, resourceId);
      return resourceId;
    });

  async function inboxEntries(group: string, count: number, daysAgo: number): Promise<void> {
    for (let i = 0; i < count; i += 1) {
      await db.dataSource.transaction((manager) =>
        claimInboxEntry(manager, SCHEMA, { consumerGroup: group, messageId: randomUUID(), messageType: 'm', topic: 't', partition: 0, offset: String(i) }),
      );
    }
    await db.dataSource.query(`UPDATE ${inbox()} SET processed_at = now() - make_interval(days => $2) WHERE consumer_group = $1`, [group, daysAgo]);
  }

  const inboxCount = async (group: string) => ((await db.dataSource.query(`SELECT count(*)::int AS n FROM ${inbox()} WHERE consumer_group = $1`, [group])) as Array<{ n: number }>)[0].n;

  it('api.md idempotency: a key inside its retention still replays its resource; one past it is forgotten and the request is new', async () => {
    const kept = randomUUID();
    const expired = randomUUID();
    expect(await request(kept, { amount: '1.00' }, 'transfer-1')).toBe('transfer-1');
    expect(await request(expired, { amount: '2.00' }, 'transfer-2')).toBe('transfer-2');
    await db.dataSource.query(`UPDATE ${keysTable()} SET created_at = now() - make_interval(days => $2) WHERE request_id = $1`, [kept, 29]);
    await db.dataSource.query(`UPDATE ${keysTable()} SET created_at = now() - make_interval(days => $2) WHERE request_id = $1`, [expired, 31]);

    const run = await job([idempotencyRetention(SCHEMA, 30 * DAY_MS)]).runOnce();

    expect(run).toEqual({ busy: false, pruned: { [`${SCHEMA}.idempotency_keys`]: 1 } });
    expect(await request(kept, { amount: '1.00' }, 'transfer-1-again')).toBe('transfer-1');
    expect(await request(expired, { amount: '2.00' }, 'transfer-2-again')).toBe('transfer-2-again');
  });

  it('a run prunes batch after batch until nothing expired is left, and keeps what is recent', async () => {
    const group = `g-${randomUUID()}`;
    const recent = `g-${randomUUID()}`;
    await inboxEntries(group, 230, 40);
    await inboxEntries(recent, 3, 1);

    const run = await job([inboxRetention(SCHEMA, 30 * DAY_MS)], 50).runOnce();

    expect(run.pruned[`${SCHEMA}.inbox`]).toBe(230);
    expect(await inboxCount(group)).toBe(0);
    expect(await inboxCount(recent)).toBe(3);
  });

  it('one replica at a time: while another holds the schema’s retention lock, a run prunes nothing and says so', async () => {
    const group = `g-${randomUUID()}`;
    await inboxEntries(group, 5, 40);
    const other = db.dataSource.createQueryRunner();
    await other.connect();
    try {
      await other.query('SELECT pg_advisory_lock(hashtextextended($1, 0))', [`custody.retention:${SCHEMA}`]);
      expect(await job([inboxRetention(SCHEMA, 30 * DAY_MS)]).runOnce()).toEqual({ busy: true, pruned: {} });
      expect(await inboxCount(group)).toBe(5);
      await other.query('SELECT pg_advisory_unlock(hashtextextended($1, 0))', [`custody.retention:${SCHEMA}`]);
    } finally {
      await other.release();
    }
    expect((await job([inboxRetention(SCHEMA, 30 * DAY_MS)]).runOnce()).busy).toBe(false);
    expect(await inboxCount(group)).toBe(0);
  });
});
