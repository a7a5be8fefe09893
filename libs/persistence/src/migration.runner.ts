import { MigrationExecutor, type DataSource } from 'typeorm';
import { schemaOf } from './data-source.factory';
import { quoteIdentifier } from './sql-identifier';

/**
 * Applies pending migrations, each in its own transaction. Replicas of a service start together in
 * production, so a session advisory lock per schema makes exactly one of them migrate while the
 * others wait and then find nothing pending. Returns the names of the migrations applied.
 */
export async function runMigrations(dataSource: DataSource): Promise<string[]> {
  return withMigrationLock(dataSource, async () => {
    const applied = await dataSource.runMigrations({ transaction: 'each' });
    return applied.map((migration) => migration.name);
  });
}

/**
 * The names of the migrations not yet applied to the DataSource's schema, in the order they would run. Reads only:
 * a schema that has never been migrated has every migration pending.
 */
export async function pendingMigrations(dataSource: DataSource): Promise<string[]> {
  const pending = await new MigrationExecutor(dataSource).getPendingMigrations();
  return pending.map((migration) => migration.name);
}

/** Reverts the last applied migration (its `down`), under the same lock. */
export async function revertLastMigration(dataSource: DataSource): Promise<void> {
  await withMigrationLock(dataSource, () => dataSource.undoLastMigration({ transaction: 'each' }));
}

async function withMigrationLock<T>(dataSource: DataSource, work: () => Promise<T>): Promise<T> {
  const schema = schemaOf(dataSource);
  const lockName = `custody.migrations:${schema}`;
  // The lock lives on its own connection for the whole run; TypeORM migrates on another one.
  const lockRunner = dataSource.createQueryRunner();
  await lockRunner.connect();
  try {
    await lockRunner.query('SELECT pg_advisory_lock(hashtextextended($1, 0))', [lockName]);
    try {
      await lockRunner.query(`CREATE SCHEMA IF NOT EXISTS ${quoteIdentifier(schema, 'schema')}`);
      return await work();
    } finally {
      await lockRunner.query('SELECT pg_advisory_unlock(hashtextextended($1, 0))', [lockName]);
    }
  } finally {
    await lockRunner.release();
  }
}
