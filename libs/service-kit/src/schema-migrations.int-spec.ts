import { createDataSource, quoteIdentifier } from '@custody/persistence';
import { requireInfrastructure, uniqueSchemaName } from '@custody/testing';
import type { DataSource, MigrationInterface, QueryRunner } from 'typeorm';
import { migrateSchema, PendingMigrationsError, prepareSchema } from './schema-migrations';

/** CUSTODY_MIGRATIONS on a scratch schema of the real database: `migrate` applies, `require` refuses while anything is pending. */
describe('schema migrations: the migrations Job and the services that wait for it (real PostgreSQL)', () => {
  const schema = uniqueSchemaName('schema_migrations');
  const table = (name: string) => `${quoteIdentifier(schema)}.${quoteIdentifier(name)}`;

  class CreateHoldings1700000000001 implements MigrationInterface {
    async up(runner: QueryRunner): Promise<void> {
      await runner.query(`CREATE TABLE ${table('holdings')} (id int PRIMARY KEY)`);
    }
    async down(runner: QueryRunner): Promise<void> {
      await runner.query(`DROP TABLE ${table('holdings')}`);
    }
  }
  class AddHoldingsNote1700000000002 implements MigrationInterface {
    async up(runner: QueryRunner): Promise<void> {
      await runner.query(`ALTER TABLE ${table('holdings')} ADD COLUMN note text`);
    }
    async down(runner: QueryRunner): Promise<void> {
      await runner.query(`ALTER TABLE ${table('holdings')} DROP COLUMN note`);
    }
  }

  const opened: DataSource[] = [];
  async function service(migrations: Array<new () => MigrationInterface>): Promise<DataSource> {
    const dataSource = await createDataSource({ schema, migrations, poolSize: 2, logging: false });
    opened.push(dataSource);
    return dataSource;
  }

  beforeAll(() => requireInfrastructure({ postgres: true }));
  afterAll(async () => {
    await opened[0]?.query(`DROP SCHEMA IF EXISTS ${quoteIdentifier(schema)} CASCADE`);
    await Promise.all(opened.map((dataSource) => dataSource.destroy()));
  });

  it('a service with CUSTODY_MIGRATIONS=require refuses to start on a schema its Job has not migrated, naming the pending migration, and changes nothing', async () => {
    const dataSource = await service([CreateHoldings1700000000001]);
    const refusal = prepareSchema(dataSource, 'require');
    await expect(refusal).rejects.toThrow(PendingMigrationsError);
    await expect(refusal).rejects.toThrow(`schema ${schema} has 1 pending migration(s), first CreateHoldings1700000000001`);
    const [{ exists }] = (await dataSource.query(`SELECT to_regclass($1) IS NOT NULL AS exists`, [`${schema}.holdings`])) as Array<{ exists: boolean }>;
    expect(exists).toBe(false);
  });

  it('the migrations Job (main.js migrate) applies what is pending; then the service starts, and a later Job run applies nothing', async () => {
    await expect(migrateSchema({ schema, migrations: [CreateHoldings1700000000001], logging: false })).resolves.toEqual(['CreateHoldings1700000000001']);
    await expect(prepareSchema(await service([CreateHoldings1700000000001]), 'require')).resolves.toEqual([]);
    await expect(migrateSchema({ schema, migrations: [CreateHoldings1700000000001], logging: false })).resolves.toEqual([]);
  });

  it('a new image with a new migration: its pods refuse until the Job ran, the default policy (the local stack) migrates at start', async () => {
    const newImage = [CreateHoldings1700000000001, AddHoldingsNote1700000000002];
    await expect(prepareSchema(await service(newImage), 'require')).rejects.toThrow('1 pending migration(s), first AddHoldingsNote1700000000002');
    await expect(prepareSchema(await service(newImage), 'migrate')).resolves.toEqual(['AddHoldingsNote1700000000002']);
    await expect(prepareSchema(await service(newImage), 'require')).resolves.toEqual([]);
  });
});
