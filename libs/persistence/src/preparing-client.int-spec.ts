import { createTestSchema, requireInfrastructure, type TestSchema } from '@custody/testing';
import type { EntityManager } from 'typeorm';
import { MAX_PREPARED_PER_CONNECTION, PREPARE_AFTER_RUNS } from './preparing-client';

jest.setTimeout(30_000);

let db: TestSchema;

beforeAll(async () => {
  await requireInfrastructure({ postgres: true });
  db = await createTestSchema({ name: 'preparing' });
  await db.dataSource.query(`CREATE TABLE ${db.schema}.ledger (fund_account_no text PRIMARY KEY, balance numeric(20,2) NOT NULL)`);
  await db.dataSource.query(`INSERT INTO ${db.schema}.ledger VALUES ('F1', '10.00'), ('F2', '20.00')`);
});

afterAll(async () => {
  await db?.drop();
});

/** The connection's own prepared statements, from the server (pg_prepared_statements is per session). */
async function preparedOn(manager: EntityManager): Promise<string[]> {
  const rows: Array<{ statement: string }> = await manager.query(`SELECT statement FROM pg_prepared_statements`);
  return rows.map((r) => r.statement);
}

describe('PreparingClient: statements run often are parsed and planned once per connection (issue 9)', () => {
  const balanceOf = `SELECT balance FROM ledger WHERE fund_account_no = $1`;

  it(`a text run ${PREPARE_AFTER_RUNS} times on a connection becomes a prepared statement there, with the same answers`, async () => {
    await db.dataSource.transaction(async (manager) => {
      const answers: string[] = [];
      for (let run = 1; run < PREPARE_AFTER_RUNS; run++) answers.push(((await manager.query(balanceOf, ['F1'])) as Array<{ balance: string }>)[0]!.balance);
      expect(await preparedOn(manager)).not.toContain(balanceOf);
      for (const account of ['F1', 'F2', 'F1']) answers.push(((await manager.query(balanceOf, [account])) as Array<{ balance: string }>)[0]!.balance);
      expect(await preparedOn(manager)).toContain(balanceOf);
      expect(answers).toEqual([...Array(PREPARE_AFTER_RUNS - 1).fill('10.00'), '10.00', '20.00', '10.00']);
    });
  });

  it('TypeORM still shapes what a prepared UPDATE … RETURNING answers ([rows, count])', async () => {
    const update = `UPDATE ledger SET balance = balance + $2 WHERE fund_account_no = $1 RETURNING balance`;
    const runner = db.dataSource.createQueryRunner();
    await runner.startTransaction();
    try {
      let last: unknown;
      for (let run = 0; run <= PREPARE_AFTER_RUNS; run++) last = await runner.query(update, ['F2', '0.01']);
      expect(await preparedOn(runner.manager)).toContain(update);
      expect(last).toEqual([[{ balance: '20.06' }], 1]);
    } finally {
      await runner.rollbackTransaction();
      await runner.release();
    }
  });

  it('a statement without parameters is left as it is (BEGIN, COMMIT, DDL)', async () => {
    await db.dataSource.transaction(async (manager) => {
      for (let run = 0; run <= PREPARE_AFTER_RUNS; run++) await manager.query(`SELECT count(*) FROM ledger`);
      expect(await preparedOn(manager)).not.toContain(`SELECT count(*) FROM ledger`);
    });
  });

  it('a prepared SELECT * whose table a migration changed fails once (0A000), then runs unprepared on that connection', async () => {
    const runner = db.dataSource.createQueryRunner();
    await runner.connect();
    try {
      const all = `SELECT * FROM ledger WHERE fund_account_no = $1`;
      for (let run = 0; run < PREPARE_AFTER_RUNS; run++) await runner.query(all, ['F1']);
      expect(await preparedOn(runner.manager)).toContain(all);
      await db.dataSource.query(`ALTER TABLE ${db.schema}.ledger ADD COLUMN frozen numeric(20,2) NOT NULL DEFAULT 0`);
      await expect(runner.query(all, ['F1'])).rejects.toMatchObject({ code: '0A000' });
      expect(await runner.query(all, ['F1'])).toEqual([{ fund_account_no: 'F1', balance: '10.00', frozen: '0.00' }]);
    } finally {
      await runner.release();
    }
  });

  // Last: it leaves its connection with no room for another prepared statement.
  it(`at most ${MAX_PREPARED_PER_CONNECTION} statements are prepared on a connection: text built at run time cannot fill the server`, async () => {
    await db.dataSource.transaction(async (manager) => {
      for (let n = 0; n < MAX_PREPARED_PER_CONNECTION + 10; n++) {
        for (let run = 0; run < PREPARE_AFTER_RUNS; run++) await manager.query(`SELECT $1::int + ${n} AS x`, [run]);
      }
      expect((await preparedOn(manager)).length).toBeLessThanOrEqual(MAX_PREPARED_PER_CONNECTION);
      expect(await manager.query(`SELECT $1::int + ${MAX_PREPARED_PER_CONNECTION + 9} AS x`, [1])).toEqual([{ x: MAX_PREPARED_PER_CONNECTION + 10 }]);
    });
  });
});
