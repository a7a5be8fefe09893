import { Logger } from '@nestjs/common';
import { createDataSource, pendingMigrations, runMigrations, schemaOf, type DataSourceFactoryOptions } from '@custody/persistence';
import type { DataSource } from 'typeorm';

/**
 * `CUSTODY_MIGRATIONS`: who applies a service's schema migrations (deploy/README.md "Order of start").
 * - `migrate` (the default: the local stack, the tests): the service itself, at start, under the schema's advisory
 *   lock (runMigrations).
 * - `require` (Kubernetes): the schema's migrations Job (`main.js migrate`); the service refuses to start while a
 *   migration is pending, so no Deployment ever runs code ahead of its schema.
 */
export type MigrationPolicy = 'migrate' | 'require';

export class PendingMigrationsError extends Error {}

export function migrationPolicyFrom(env: NodeJS.ProcessEnv = process.env): MigrationPolicy {
  const policy = env.CUSTODY_MIGRATIONS ?? 'migrate';
  if (policy !== 'migrate' && policy !== 'require') throw new Error(`CUSTODY_MIGRATIONS must be "migrate" or "require", got "${policy}"`);
  return policy;
}

/** Makes the schema current (`migrate`) or proves it is (`require`); returns the migrations it applied. */
export async function prepareSchema(dataSource: DataSource, policy: MigrationPolicy): Promise<string[]> {
  if (policy === 'migrate') return runMigrations(dataSource);
  const pending = await pendingMigrations(dataSource);
  if (pending.length > 0) {
    throw new PendingMigrationsError(
      `schema ${schemaOf(dataSource)} has ${pending.length} pending migration(s), first ${pending[0]}: ` +
        `with CUSTODY_MIGRATIONS=require its migrations Job (main.js migrate) applies them; not starting before it has`,
    );
  }
  return [];
}

/** `main.js migrate`, the body of a schema's migrations Job: applies what is pending and closes the pool. */
export async function migrateSchema(options: DataSourceFactoryOptions): Promise<string[]> {
  const dataSource = await createDataSource({ ...options, poolSize: 2 });
  try {
    const applied = await runMigrations(dataSource);
    new Logger('migrations').log(`schema ${options.schema}: ${applied.length} migration(s) applied${applied.length ? `: ${applied.join(', ')}` : ''}`);
    return applied;
  } finally {
    await dataSource.destroy();
  }
}
