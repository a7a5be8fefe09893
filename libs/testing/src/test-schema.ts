import { createDataSource, quoteIdentifier, runMigrations, type DataSourceFactoryOptions } from '@custody/persistence';
import type { DataSource } from 'typeorm';
import { uniqueSchemaName } from './unique-names';

export interface TestSchemaOptions {
  /** Part of the schema name, to find a leftover schema's test file. */
  name: string;
  entities?: DataSourceFactoryOptions['entities'];
  /** Migration classes are often made per schema (e.g. the outbox/inbox one), hence a function. */
  migrations?: (schema: string) => NonNullable<DataSourceFactoryOptions['migrations']>;
  poolSize?: number;
}

export interface TestSchema {
  schema: string;
  dataSource: DataSource;
  /** Drops the schema with everything in it and closes the pool. */
  drop(): Promise<void>;
}

/**
 * A fresh, uniquely named schema in the real database with the migrations applied, one per test
 * file (`beforeAll`), dropped in `afterAll`: the same migrations production runs, no shared state.
 */
export async function createTestSchema(options: TestSchemaOptions): Promise<TestSchema> {
  const schema = uniqueSchemaName(options.name);
  const dataSource = await createDataSource({
    schema,
    entities: options.entities,
    migrations: options.migrations?.(schema),
    poolSize: options.poolSize ?? 5,
    applicationName: `custody-test-${options.name}`,
    // Failure-path tests provoke failed queries on purpose; they surface as exceptions, not log noise.
    logging: false,
  });
  await runMigrations(dataSource);
  return {
    schema,
    dataSource,
    async drop(): Promise<void> {
      try {
        await dataSource.query(`DROP SCHEMA IF EXISTS ${quoteIdentifier(schema)} CASCADE`);
      } finally {
        await dataSource.destroy();
      }
    },
  };
}
