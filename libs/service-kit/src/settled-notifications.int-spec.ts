import { randomUUID } from 'node:crypto';
import { createTestSchema, redisUrlFromEnv, requireInfrastructure, statementsDuring, type TestSchema } from '@custody/testing';
import { TopicNamespace } from './namespace';
import { SettledNotifications } from './settled-notifications';

jest.setTimeout(30_000);

/** What the waiters' slow poll would answer after; a wake must come well before. */
const WAITER_TIMEOUT_MS = 10_000;

describe('SettledNotifications (after the commit in this process, Redis pub/sub to the other replicas)', () => {
  let db: TestSchema;
  /** The replica whose consumer settles the resource. */
  let settling: SettledNotifications;
  /** Another replica of the same service, holding an HTTP caller that waits. */
  let otherReplica: SettledNotifications;

  beforeAll(async () => {
    await requireInfrastructure({ postgres: true, redis: true });
    db = await createTestSchema({ name: 'settled' });
    // A namespace of its own, as a stack has: tests running at once must not wake each other's waiters.
    const options = { redisUrl: redisUrlFromEnv(), namespace: new TopicNamespace(`settled-test-${randomUUID().slice(0, 8)}`) };
    settling = new SettledNotifications('settled_test', options);
    otherReplica = new SettledNotifications('settled_test', options);
    await settling.start();
    await otherReplica.start();
  });

  afterAll(async () => {
    await settling?.stop();
    await otherReplica?.stop();
    await db?.drop();
  });

  it('wakes a waiter of the settling process once the transaction has committed, not before', async () => {
    let woken = false;
    const waiting = settling.changed('t-1', WAITER_TIMEOUT_MS).then(() => (woken = true));
    let wokenBeforeCommit = true;
    await db.dataSource.transaction(async (manager) => {
      settling.announce(manager, 't-1');
      await new Promise((resolve) => setTimeout(resolve, 200));
      wokenBeforeCommit = woken;
    });
    const committedAt = Date.now();
    await waiting;
    expect(wokenBeforeCommit).toBe(false);
    expect(Date.now() - committedAt).toBeLessThan(WAITER_TIMEOUT_MS / 2);
  });

  it('wakes a waiter in another replica promptly, through Redis', async () => {
    const waiting = otherReplica.changed('t-5', WAITER_TIMEOUT_MS);
    await db.dataSource.transaction(async (manager) => settling.announce(manager, 't-5'));
    const committedAt = Date.now();
    await waiting;
    expect(Date.now() - committedAt).toBeLessThan(WAITER_TIMEOUT_MS / 2);
  });

  it('issue 9: the settling process’s waiter gets the resource as the transaction wrote it; another replica’s gets nothing and reads', async () => {
    const here = settling.settlement('t-6', WAITER_TIMEOUT_MS);
    const there = otherReplica.settlement('t-6', WAITER_TIMEOUT_MS);
    const written = { id: 't-6', status: 'SUCCEEDED' };
    await db.dataSource.transaction(async (manager) => settling.announce(manager, 't-6', written));
    expect(await here).toBe(written);
    expect(await there).toBeUndefined();
  });

  it('a rolled-back settlement wakes nobody, here or in another replica; the waiters time out', async () => {
    const started = Date.now();
    const wokenEarly = (replica: SettledNotifications) => replica.changed('t-2', 800).then(() => Date.now() - started < 700);
    const here = wokenEarly(settling);
    const there = wokenEarly(otherReplica);
    await db.dataSource
      .transaction(async (manager) => {
        settling.announce(manager, 't-2');
        throw new Error('rollback');
      })
      .catch(() => undefined);
    expect(await here).toBe(false);
    expect(await there).toBe(false);
  });

  it('waking one resource leaves the others waiting', async () => {
    let otherWoken = false;
    const other = otherReplica.changed('t-4', 800).then(() => (otherWoken = true));
    const mine = otherReplica.changed('t-3', WAITER_TIMEOUT_MS);
    await db.dataSource.transaction(async (manager) => settling.announce(manager, 't-3'));
    await mine;
    expect(otherWoken).toBe(false);
    await other;
  });

  it('announcing issues no SQL: no pg_notify queues the settling commit behind every other', async () => {
    const statements = await statementsDuring(db.dataSource, () => db.dataSource.transaction(async (manager) => settling.announce(manager, 't-6')));
    expect(statements.filter((sql) => !/^(START TRANSACTION|COMMIT)$/.test(sql))).toEqual([]);
  });
});
