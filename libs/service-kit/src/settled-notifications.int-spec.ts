import { createTestSchema, requireInfrastructure, type TestSchema } from '@custody/testing';
import { databaseUrlOf } from '@custody/persistence';
import { SettledNotifications } from './settled-notifications';

describe('SettledNotifications (real PostgreSQL LISTEN/NOTIFY)', () => {
  let db: TestSchema;
  let notifications: SettledNotifications;

  beforeAll(async () => {
    await requireInfrastructure({ postgres: true });
    db = await createTestSchema({ name: 'settled' });
    notifications = new SettledNotifications(databaseUrlOf(db.dataSource), 'settled_test');
    await notifications.start();
  });

  afterAll(async () => {
    await notifications?.stop();
    await db?.drop();
  });

  it('wakes the waiter of a resource when the settling transaction commits', async () => {
    const started = Date.now();
    const woken = notifications.changed('t-1', 10_000);
    await db.dataSource.transaction((m) => notifications.announce(m, 't-1'));
    await woken;
    expect(Date.now() - started).toBeLessThan(5_000);
  });

  it('a rolled-back settlement wakes nobody; the waiter times out', async () => {
    let wokenEarly = false;
    const started = Date.now();
    const waiting = notifications.changed('t-2', 800).then(() => (wokenEarly = Date.now() - started < 700));
    await db.dataSource
      .transaction(async (m) => {
        await notifications.announce(m, 't-2');
        throw new Error('rollback');
      })
      .catch(() => undefined);
    await waiting;
    expect(wokenEarly).toBe(false);
  });

  it('waking one resource leaves the others waiting', async () => {
    let otherWoken = false;
    const other = notifications.changed('t-4', 800).then(() => (otherWoken = true));
    const mine = notifications.changed('t-3', 10_000);
    await db.dataSource.transaction((m) => notifications.announce(m, 't-3'));
    await mine;
    expect(otherWoken).toBe(false);
    await other;
  });
});
