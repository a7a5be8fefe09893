import { createTestSchema, requireInfrastructure, uniqueSchemaName, type TestSchema } from '@custody/testing';
import { Client } from 'pg';
import { Entity, PrimaryColumn, type MigrationInterface, type QueryRunner } from 'typeorm';
import { createDataSource } from './data-source.factory';
import { databaseUrlFromEnv, splitDatabaseUrl } from './database-url';
import { MoneyColumn } from './money.column';
import { revertLastMigration } from './migration.runner';
import { inTransaction } from './transaction.runner';

jest.setTimeout(30_000);

@Entity({ name: 'balances' })
class BalanceRow {
  @PrimaryColumn({ name: 'fund_account_no', type: 'text' })
  fundAccountNo!: string;

  @MoneyColumn()
  available!: string;
}

function balancesMigration(schema: string): new () => MigrationInterface {
  return class BalancesMigration implements MigrationInterface {
    readonly name = 'TestBalances1700000000100';
    async up(queryRunner: QueryRunner): Promise<void> {
      // Unqualified on purpose: the service's search_path puts it in the service's schema.
      await queryRunner.query('CREATE TABLE balances (fund_account_no text PRIMARY KEY, available numeric(20,2) NOT NULL)');
    }
    async down(queryRunner: QueryRunner): Promise<void> {
      await queryRunner.query(`DROP TABLE "${schema}".balances`);
    }
  };
}

let db: TestSchema;

beforeAll(async () => {
  await requireInfrastructure({ postgres: true });
  db = await createTestSchema({ name: 'persistence', entities: [BalanceRow], migrations: (schema) => [balancesMigration(schema)] });
});

afterAll(async () => {
  await db?.drop();
});

describe('persistence on the real PostgreSQL', () => {
  it('creates a missing database and the service schema on first connect', async () => {
    const databaseName = uniqueSchemaName('db');
    const url = new URL(databaseUrlFromEnv());
    url.pathname = `/${databaseName}`;
    const dataSource = await createDataSource({ schema: 'svc', databaseUrl: url.toString(), poolSize: 2 });
    try {
      const [{ exists }] = (await dataSource.query(`SELECT EXISTS (SELECT 1 FROM pg_namespace WHERE nspname = 'svc') AS exists`)) as Array<{ exists: boolean }>;
      expect(exists).toBe(true);
    } finally {
      await dataSource.destroy();
      const admin = new Client({ connectionString: splitDatabaseUrl(url.toString()).maintenanceUrl });
      await admin.connect();
      await admin.query(`DROP DATABASE "${databaseName}"`);
      await admin.end();
    }
  });

  it('two services creating their shared schema at the same moment both start (the loser of the race finds it made)', async () => {
    const schema = uniqueSchemaName('shared');
    // Another service's CREATE SCHEMA, not yet committed: ours has to wait on its row in pg_namespace, and when the
    // other commits, PostgreSQL reports ours a duplicate even with IF NOT EXISTS — the collision of two fresh starts.
    const other = new Client({ connectionString: databaseUrlFromEnv(), statement_timeout: 20_000 });
    await other.connect();
    let ours: ReturnType<typeof createDataSource> | undefined;
    try {
      await other.query('BEGIN');
      await other.query(`CREATE SCHEMA "${schema}"`);
      ours = createDataSource({ schema, poolSize: 1, applicationName: 'schema-race' });
      void ours.catch(() => undefined); // awaited below; a failure while we wait must not go unhandled
      const waiting = async () => {
        // Inside a transaction pg_stat_activity is a snapshot taken at its first read; each look takes a new one.
        await other.query('SELECT pg_stat_clear_snapshot()');
        const rows = await other.query(`SELECT 1 FROM pg_stat_activity WHERE application_name = 'schema-race' AND wait_event_type = 'Lock'`);
        return rows.rowCount === 1;
      };
      const deadline = Date.now() + 10_000;
      while (!(await waiting()) && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 50));
      expect(await waiting()).toBe(true);
      await other.query('COMMIT');
      const dataSource = await ours;
      const [{ exists }] = (await dataSource.query(`SELECT EXISTS (SELECT 1 FROM pg_namespace WHERE nspname = $1) AS exists`, [schema])) as Array<{ exists: boolean }>;
      expect(exists).toBe(true);
    } finally {
      await other.query('ROLLBACK').catch(() => undefined);
      await ours?.then((dataSource) => dataSource.destroy()).catch(() => undefined);
      await other.query(`DROP SCHEMA IF EXISTS "${schema}"`);
      await other.end();
    }
  });

  it('keeps the migrations table and the migrated tables inside the service schema, never in public', async () => {
    const tables = (await db.dataSource.query(`SELECT table_name FROM information_schema.tables WHERE table_schema = $1 ORDER BY table_name`, [db.schema])) as Array<{
      table_name: string;
    }>;
    expect(tables.map((table) => table.table_name)).toEqual(['balances', 'migrations']);
  });

  it('a money column round-trips amounts as exact strings and refuses JS numbers', async () => {
    const repository = db.dataSource.getRepository(BalanceRow);
    await repository.save({ fundAccountNo: '880001', available: '9999999999999999.99' });
    expect(await repository.findOneByOrFail({ fundAccountNo: '880001' })).toEqual({ fundAccountNo: '880001', available: '9999999999999999.99' });
    await expect(repository.save({ fundAccountNo: '880002', available: 0.1 as unknown as string })).rejects.toThrow(/decimal string/);
  });

  it('SERIALIZABLE transactions that conflict are retried until both apply (no lost update)', async () => {
    const repository = db.dataSource.getRepository(BalanceRow);
    await repository.save({ fundAccountNo: '880003', available: '0.00' });
    const addOne = (): Promise<void> =>
      inTransaction(db.dataSource, 'SERIALIZABLE', async (manager) => {
        const row = await manager.findOneByOrFail(BalanceRow, { fundAccountNo: '880003' });
        await new Promise((resolve) => setTimeout(resolve, 50));
        await manager.update(BalanceRow, { fundAccountNo: '880003' }, { available: (Number(row.available) + 1).toFixed(2) });
      }, { retries: 5 });
    await Promise.all([addOne(), addOne()]);
    expect((await repository.findOneByOrFail({ fundAccountNo: '880003' })).available).toBe('2.00');
  });

  it('a migration reverts with its down', async () => {
    await revertLastMigration(db.dataSource);
    const [{ exists }] = (await db.dataSource.query(`SELECT to_regclass($1) IS NOT NULL AS exists`, [`"${db.schema}".balances`])) as Array<{ exists: boolean }>;
    expect(exists).toBe(false);
  });
});
