import { DataSource } from 'typeorm';
import type { PostgresConnectionOptions } from 'typeorm/driver/postgres/PostgresConnectionOptions';
import { databaseUrlFromEnv } from './database-url';
import { ensureDatabase } from './ensure-database';
import { PreparingClient } from './preparing-client';
import { assertSqlIdentifier, quoteIdentifier } from './sql-identifier';

export interface DataSourceFactoryOptions {
  /** The service's own schema: its tables, its migrations table, its outbox and inbox live there. */
  schema: string;
  entities?: PostgresConnectionOptions['entities'];
  migrations?: PostgresConnectionOptions['migrations'];
  /** Defaults to `DATABASE_URL`, then `postgres://postgres@127.0.0.1:5432/custody`. */
  databaseUrl?: string;
  poolSize?: number;
  /** Shown in `pg_stat_activity`, which is where one looks first when a lock is held too long. */
  applicationName?: string;
  logging?: PostgresConnectionOptions['logging'];
}

export const MIGRATIONS_TABLE = 'migrations';

/**
 * The TypeORM options every service uses; exposed apart from {@link createDataSource} for callers that
 * build the DataSource themselves (e.g. `TypeOrmModule.forRootAsync`). They still need
 * {@link ensureDatabase} first.
 */
export function buildDataSourceOptions(options: DataSourceFactoryOptions): PostgresConnectionOptions {
  const schema = assertSqlIdentifier(options.schema, 'schema');
  return {
    type: 'postgres',
    url: options.databaseUrl ?? databaseUrlFromEnv(),
    schema,
    entities: options.entities ?? [],
    migrations: options.migrations ?? [],
    // Every schema change is a reviewed migration with up and down (spec/conventions.md "Data").
    synchronize: false,
    migrationsRun: false,
    dropSchema: false,
    // With `schema` set, TypeORM keeps this table inside the service's schema, not in `public`.
    migrationsTableName: MIGRATIONS_TABLE,
    poolSize: options.poolSize ?? 10,
    applicationName: options.applicationName ?? `custody-${schema}`,
    logging: options.logging ?? ['error', 'warn', 'migration'],
    // Unqualified names in hand-written SQL (migrations, reports) resolve to the service's schema. Every connection
    // begins its transactions READ COMMITTED whatever the server's default, so a transaction of that level needs
    // no `SET TRANSACTION` of its own (one statement fewer in each, issue 9). A statement run often is prepared once
    // per connection (preparing-client.ts).
    extra: { options: `-c search_path=${schema},public -c default_transaction_isolation=read\\ committed`, Client: PreparingClient },
  };
}

/**
 * Creates the database if it is missing, connects, and creates the service's schema if it is
 * missing; migrations are run separately with `runMigrations` so that start-up order stays explicit.
 */
export async function createDataSource(options: DataSourceFactoryOptions): Promise<DataSource> {
  const databaseUrl = options.databaseUrl ?? databaseUrlFromEnv();
  await ensureDatabase(databaseUrl);
  const dataSourceOptions = buildDataSourceOptions({ ...options, databaseUrl });
  const dataSource = new DataSource(dataSourceOptions);
  await dataSource.initialize();
  try {
    await ensureSchema(dataSource, options.schema);
  } catch (error) {
    await dataSource.destroy();
    throw error;
  }
  return dataSource;
}

const DUPLICATE_SCHEMA = '42P06';
const UNIQUE_VIOLATION = '23505';

/**
 * Creates the schema when it is missing. Replicas, and services that share a schema (every bank's adapter), start
 * at once on a fresh database: `IF NOT EXISTS` does not stop two concurrent creations from colliding — the one
 * that waited on the other's uncommitted row in pg_namespace fails with 23505 (or 42P06) — and losing that race
 * means the schema exists, which is all this asks.
 */
async function ensureSchema(dataSource: DataSource, schema: string): Promise<void> {
  try {
    await dataSource.query(`CREATE SCHEMA IF NOT EXISTS ${quoteIdentifier(schema, 'schema')}`);
  } catch (error) {
    const code = (error as { code?: unknown }).code;
    if (code !== DUPLICATE_SCHEMA && code !== UNIQUE_VIOLATION) throw error;
  }
}

/** The schema a DataSource from {@link createDataSource} works in. */
export function schemaOf(dataSource: DataSource): string {
  const options = dataSource.options;
  if (options.type !== 'postgres' || !options.schema) {
    throw new Error('this DataSource was not made by createDataSource (no PostgreSQL schema configured)');
  }
  return options.schema;
}

/** The connection URL of a DataSource from {@link createDataSource} (for a connection of its own beside the pool, e.g. the outbox relay's). */
export function databaseUrlOf(dataSource: DataSource): string {
  const options = dataSource.options;
  if (options.type !== 'postgres' || !options.url) {
    throw new Error('this DataSource was not made by createDataSource (no PostgreSQL URL configured)');
  }
  return options.url;
}
