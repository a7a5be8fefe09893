import { randomBytes, randomUUID } from 'node:crypto';
import { createTestDatabase, requireInfrastructure, uniqueFundAccountNo, type TestDatabase } from '@custody/testing';
import { RetentionJob, RetentionSettings, serviceMigrations } from '@custody/service-kit';
import { sagaRetention } from './saga-retention';
import { SAGA_SCHEMA } from './saga.schema';

/** What the saga keeps and what it prunes (docs/design.md "Retention"), against the real PostgreSQL. */
describe('saga retention (real PostgreSQL)', () => {
  let db: TestDatabase;

  beforeAll(async () => {
    await requireInfrastructure({ postgres: true });
    db = await createTestDatabase({
      name: 'saga_retention',
      schema: SAGA_SCHEMA.schema,
      entities: SAGA_SCHEMA.entities,
      migrations: serviceMigrations(SAGA_SCHEMA.schema, randomBytes(32), SAGA_SCHEMA.migrations),
    });
  });

  afterAll(() => db?.drop());

  const run = () =>
    new RetentionJob({ dataSource: db.dataSource, schema: 'saga', tasks: sagaRetention(RetentionSettings.fromEnv({})), intervalMs: 60_000, batchSize: 100, pauseMs: 0 }).runOnce();

  /** A transfer saga of a year ago with one bank call, and timers fired (or not) `firedDaysAgo` days ago. */
  async function oldSaga(timers: Array<{ firedDaysAgo: number | null }>) {
    const sagaId = randomUUID();
    const callId = randomUUID();
    await db.dataSource.query(
      `INSERT INTO saga.sagas (saga_id, kind, subject_id, state, bank_code, payload, created_at, updated_at)
       VALUES ($1, 'TRANSFER', $2, 'DONE', '1021000', $3, now() - interval '1 year', now() - interval '1 year')`,
      [sagaId, randomUUID(), JSON.stringify({ fundAccountNo: uniqueFundAccountNo() })],
    );
    await db.dataSource.query(
      `INSERT INTO saga.bank_calls (call_id, saga_id, purpose, function, serial_no, created_at, completed_at, outcome, return_code)
       VALUES ($1, $2, 'ORIGINAL', 'SECURITIES_TO_BANK', $3, now() - interval '1 year', now() - interval '1 year', 'REPLIED', '0000')`,
      [callId, sagaId, `S${Date.now()}`.slice(0, 20)],
    );
    const timerIds: string[] = [];
    for (const { firedDaysAgo } of timers) {
      const timerId = randomUUID();
      timerIds.push(timerId);
      await db.dataSource.query(
        `INSERT INTO saga.timers (timer_id, saga_id, kind, call_id, due_at, fired_at)
         VALUES ($1, $2, 'CALL_DEADLINE', $3, now() - interval '1 year', CASE WHEN $4::int IS NULL THEN NULL ELSE now() - make_interval(days => $4::int) END)`,
        [timerId, sagaId, callId, firedDaysAgo],
      );
    }
    return { sagaId, callId, timerIds };
  }

  const timersLeft = async (sagaId: string) =>
    ((await db.dataSource.query(`SELECT timer_id FROM saga.timers WHERE saga_id = $1`, [sagaId])) as Array<{ timer_id: string }>).map((r) => r.timer_id).sort();

  it('fired timers older than a week are pruned; a recently fired one and an unfired one, however overdue, are kept', async () => {
    const { sagaId, timerIds } = await oldSaga([{ firedDaysAgo: 8 }, { firedDaysAgo: 6 }, { firedDaysAgo: null }]);
    const [, recentlyFired, unfired] = timerIds;

    const result = await run();

    expect(result.pruned['saga.timers (fired)']).toBeGreaterThanOrEqual(1);
    expect(await timersLeft(sagaId)).toEqual([recentlyFired, unfired].sort());
  });

  it('money records stay: a saga and its bank calls of a year ago are kept, whatever timers were pruned', async () => {
    const { sagaId, callId } = await oldSaga([{ firedDaysAgo: 300 }]);

    await run();

    expect(await db.dataSource.query(`SELECT state FROM saga.sagas WHERE saga_id = $1`, [sagaId])).toEqual([{ state: 'DONE' }]);
    expect(await db.dataSource.query(`SELECT return_code FROM saga.bank_calls WHERE call_id = $1`, [callId])).toEqual([{ return_code: '0000' }]);
    expect(await timersLeft(sagaId)).toEqual([]);
  });

  it('the status of an adapter process silent for over a week is pruned; a live one is kept', async () => {
    const [gone, live] = [`gone-${randomUUID()}`, `live-${randomUUID()}`];
    for (const [instance, age] of [[gone, '8 days'], [live, '5 seconds']]) {
      await db.dataSource.query(
        `INSERT INTO saga.bank_status (bank_code, adapter_instance_id, sessions_up, sessions_total, breaker, stopping, reported_at)
         VALUES ('1021000', $1, 2, 2, 'CLOSED', false, now() - $2::interval)`,
        [instance, age],
      );
    }

    await run();

    const left = (await db.dataSource.query(`SELECT adapter_instance_id FROM saga.bank_status WHERE adapter_instance_id IN ($1, $2)`, [gone, live])) as Array<{ adapter_instance_id: string }>;
    expect(left.map((r) => r.adapter_instance_id)).toEqual([live]);
  });
});
