export const DEFAULT_DATABASE_URL = 'postgres://postgres@127.0.0.1:5432/custody';

/** Every service shares one database and owns one schema in it (spec/architecture.md "Data ownership"). */
export function databaseUrlFromEnv(env: NodeJS.ProcessEnv = process.env): string {
  return env['DATABASE_URL'] || DEFAULT_DATABASE_URL;
}

/** The database named by a URL, and the same server's maintenance database to create it from. */
export function splitDatabaseUrl(databaseUrl: string): { database: string; maintenanceUrl: string } {
  const url = new URL(databaseUrl);
  const database = decodeURIComponent(url.pathname.replace(/^\//, ''));
  if (!database) throw new Error(`database URL ${redactDatabaseUrl(databaseUrl)} names no database`);
  url.pathname = '/postgres';
  return { database, maintenanceUrl: url.toString() };
}

/** For messages and logs: a URL may carry a password. */
export function redactDatabaseUrl(databaseUrl: string): string {
  try {
    const url = new URL(databaseUrl);
    if (url.password) url.password = '***';
    return url.toString();
  } catch {
    return '<unparseable database URL>';
  }
}
