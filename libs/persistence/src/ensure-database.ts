import { Client } from 'pg';
import { redactDatabaseUrl, splitDatabaseUrl } from './database-url';

const DUPLICATE_DATABASE = '42P04';
const UNIQUE_VIOLATION = '23505';

/**
 * Creates the database a URL names when it is missing, so that a fresh machine needs no manual step.
 * Several services start at once on a fresh machine, so losing the race to another creator is fine.
 */
export async function ensureDatabase(databaseUrl: string): Promise<void> {
  const { database, maintenanceUrl } = splitDatabaseUrl(databaseUrl);
  const client = new Client({ connectionString: maintenanceUrl, connectionTimeoutMillis: 5000 });
  try {
    await client.connect();
  } catch (error) {
    throw new Error(`PostgreSQL at ${redactDatabaseUrl(maintenanceUrl)} is not reachable: ${(error as Error).message}`);
  }
  try {
    const found = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [database]);
    if (found.rowCount) return;
    await client.query(`CREATE DATABASE "${database.replace(/"/g, '""')}"`);
  } catch (error) {
    const code = (error as { code?: unknown }).code;
    if (code !== DUPLICATE_DATABASE && code !== UNIQUE_VIOLATION) throw error;
  } finally {
    await client.end();
  }
}
