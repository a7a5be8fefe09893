import { randomBytes } from 'node:crypto';
import { resolve } from 'node:path';
import { createTestDatabase, requireInfrastructure, type TestDatabase } from '@custody/testing';
import { Clock, loadCustodyConfig, serviceMigrations } from '@custody/service-kit';
import { BankDayRepository } from '../day/bank-day.repository';
import { SAGA_SCHEMA } from '../saga.schema';
import { ADAPTER_SILENCE_MS, BankStatusService } from './bank-status';

class FixedClock extends Clock {
  constructor(public at: Date) {
    super();
  }

  override now(): Date {
    return this.at;
  }
}

/** api.md `GET /v1/banks`: each bank as its adapters last reported it. */
describe('bank status projection (real PostgreSQL)', () => {
  const config = loadCustodyConfig(resolve(__dirname, '../../../../config/custody.local.yaml'));
  const NOW = new Date('2026-11-21T02:00:00.000Z');
  const clock = new FixedClock(NOW);
  let db: TestDatabase;
  let status: BankStatusService;

  beforeAll(async () => {
    await requireInfrastructure({ postgres: true });
    db = await createTestDatabase({ name: 'saga_bank_status', schema: SAGA_SCHEMA.schema, migrations: serviceMigrations(SAGA_SCHEMA.schema, randomBytes(32), SAGA_SCHEMA.migrations) });
    const days = new BankDayRepository();
    status = new BankStatusService(db.dataSource, config, days, clock);
    await db.dataSource.transaction(async (m) => {
      await days.initBusinessDate(m, '2026-11-23');
      await days.ensure(m, '1021000', '2026-11-23');
      await days.setPhase(m, '1021000', '2026-11-23', 'OPEN');
    });
  });

  afterAll(() => db?.drop());

  const report = (adapterInstanceId: string, at: Date, fields: Partial<{ sessionsUp: number; breaker: 'CLOSED' | 'OPEN' | 'HALF_OPEN'; stopping: boolean }> = {}) =>
    db.dataSource.transaction((m) =>
      status.record(m, { bankCode: '1021000', adapterInstanceId, sessionsUp: 2, sessionsTotal: 2, breaker: 'CLOSED', reportedAt: at.toISOString(), stopping: false, ...fields }),
    );
  const bankA = async () => (await status.banks()).find((b) => b.bankCode === '1021000')!;

  it('a bank no adapter has reported on shows no sessions and an open breaker (nothing can reach it)', async () => {
    expect((await status.banks()).find((b) => b.bankCode === '1051000')).toMatchObject({ sessions: { up: 0, total: 2 }, breaker: 'OPEN', adapters: 0, lead: false });
  });

  it('sums live adapters, shows the worst breaker, and keeps the newest report of each', async () => {
    await report('a1', new Date(NOW.getTime() - 1000));
    await report('a2', new Date(NOW.getTime() - 2000), { sessionsUp: 1, breaker: 'HALF_OPEN' });
    await report('a1', new Date(NOW.getTime() - 5000), { sessionsUp: 0, breaker: 'OPEN' }); // older, delivered late
    expect(await bankA()).toMatchObject({ sessions: { up: 3, total: 4 }, breaker: 'HALF_OPEN', adapters: 2, lead: true });
  });

  it("bank-protocol.md §7: each bank shows the broker's business date and where its day of it stands", async () => {
    const banks = await status.banks();
    expect(banks.map((b) => [b.bankCode, b.businessDate, b.dayPhase])).toEqual([
      ['1021000', '2026-11-23', 'OPEN'],
      ['1051000', '2026-11-23', 'NOT_STARTED'],
    ]);
  });

  it('an adapter silent too long, or stopping, no longer counts', async () => {
    // a2 last reported 2 s before NOW; time passes beyond the silence limit, and a1 says it is stopping.
    clock.at = new Date(NOW.getTime() + ADAPTER_SILENCE_MS);
    await report('a1', clock.at, { stopping: true, sessionsUp: 0 });
    expect(await bankA()).toMatchObject({ sessions: { up: 0, total: 2 }, breaker: 'OPEN', adapters: 0, lastReportAt: clock.at.toISOString() });
  });
});
