import { Client } from 'pg';
import { createDataSource, databaseUrlFromEnv, runMigrations, splitDatabaseUrl, type DataSourceFactoryOptions } from '@custody/persistence';
import type { DataSource } from 'typeorm';
import { uniqueSchemaName } from './unique-names';

export interface TestDatabase {
  databaseUrl: string;
  dataSource: DataSource;
  /** Closes the pool and drops the database. */
  drop(): Promise<void>;
}

/**
 * A fresh, uniquely named database holding one service's own schema under its real name, migrated
 * exactly as in production. For services whose SQL names its schema (`transfer.ledger_accounts`),
 * which a renamed test schema would break.
 */
export async function createTestDatabase(options: {
  name: string;
  schema: string;
  entities?: DataSourceFactoryOptions['entities'];
  migrations: NonNullable<DataSourceFactoryOptions['migrations']>;
}): Promise<TestDatabase> {
  const { maintenanceUrl } = splitDatabaseUrl(databaseUrlFromEnv());
  const database = uniqueSchemaName(options.name);
  const databaseUrl = maintenanceUrl.replace(/\/[^/]*$/, `/${database}`);
  const dataSource = await createDataSource({
    schema: options.schema,
    entities: options.entities,
    migrations: options.migrations,
    databaseUrl,
    poolSize: 5,
    applicationName: `custody-test-${options.name}`,
    logging: false,
  });
  await runMigrations(dataSource);
  return {
    databaseUrl,
    dataSource,
    async drop(): Promise<void> {
      await dataSource.destroy();
      const admin = new Client({ connectionString: maintenanceUrl });
      await admin.connect();
      try {
        await admin.query(`DROP DATABASE IF EXISTS "${database}" WITH (FORCE)`);
      } finally {
        await admin.end();
      }
    },
  };
}
