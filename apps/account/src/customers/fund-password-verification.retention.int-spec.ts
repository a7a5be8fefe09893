import { randomBytes, randomUUID } from 'node:crypto';
import { createTestDatabase, requireInfrastructure, uniqueFundAccountNo, type TestDatabase } from '@custody/testing';
import { RetentionJob, RetentionSettings, serviceMigrations } from '@custody/service-kit';
import { ACCOUNT_SCHEMA } from '../account.schema';
import { fundPasswordVerificationRetention } from './fund-password-verification.retention';

/** Fund password verification records are kept six months (docs/design.md "Retention"), on the real PostgreSQL. */
describe('fund password verification retention (real PostgreSQL)', () => {
  let db: TestDatabase;

  beforeAll(async () => {
    await requireInfrastructure({ postgres: true });
    db = await createTestDatabase({
      name: 'account_retention',
      schema: ACCOUNT_SCHEMA.schema,
      entities: ACCOUNT_SCHEMA.entities,
      migrations: serviceMigrations(ACCOUNT_SCHEMA.schema, randomBytes(32), ACCOUNT_SCHEMA.migrations),
    });
  });

  afterAll(() => db?.drop());

  async function verifiedDaysAgo(days: number): Promise<string> {
    const attemptId = `1021000:B${randomUUID().slice(0, 12)}`;
    await db.dataSource.query(
      `INSERT INTO account.fund_password_verifications (attempt_id, fund_account_no, result, verified_at) VALUES ($1, $2, 'MISMATCHED', now() - make_interval(days => $3))`,
      [attemptId, uniqueFundAccountNo(), days],
    );
    return attemptId;
  }

  it('records older than 180 days are pruned; younger ones, which a repeated bank request still needs, are kept', async () => {
    const old = await verifiedDaysAgo(181);
    const young = await verifiedDaysAgo(179);
    const job = new RetentionJob({ dataSource: db.dataSource, schema: 'account', tasks: [fundPasswordVerificationRetention(RetentionSettings.fromEnv({}))], intervalMs: 60_000, batchSize: 100, pauseMs: 0 });

    expect(await job.runOnce()).toEqual({ busy: false, pruned: { 'account.fund_password_verifications': 1 } });

    const left = (await db.dataSource.query(`SELECT attempt_id FROM account.fund_password_verifications WHERE attempt_id IN ($1, $2)`, [old, young])) as Array<{ attempt_id: string }>;
    expect(left.map((r) => r.attempt_id)).toEqual([young]);
  });
});
