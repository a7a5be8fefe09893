import { databaseUrlFromEnv, DEFAULT_DATABASE_URL, redactDatabaseUrl, splitDatabaseUrl } from './database-url';
import { assertSqlIdentifier, qualifiedTable } from './sql-identifier';

describe('database URL', () => {
  it('defaults to the custody database on the local server, DATABASE_URL overriding', () => {
    expect(databaseUrlFromEnv({})).toBe(DEFAULT_DATABASE_URL);
    expect(databaseUrlFromEnv({ DATABASE_URL: 'postgres://u@h:1/x' })).toBe('postgres://u@h:1/x');
  });

  it('creates a missing database from the same server’s maintenance database', () => {
    expect(splitDatabaseUrl('postgres://u:p@h:5432/custody?sslmode=disable')).toEqual({
      database: 'custody',
      maintenanceUrl: 'postgres://u:p@h:5432/postgres?sslmode=disable',
    });
  });

  it('never prints a password', () => {
    expect(redactDatabaseUrl('postgres://u:secret@h/db')).toBe('postgres://u:***@h/db');
  });
});

describe('SQL identifiers', () => {
  it('accepts plain lower-case names and quotes them; refuses anything that would need escaping', () => {
    expect(qualifiedTable('transfer', 'outbox')).toBe('"transfer"."outbox"');
    for (const bad of ['Transfer', 'a-b', '1abc', 'x"; DROP SCHEMA y; --', '', 'a'.repeat(64)]) {
      expect(() => assertSqlIdentifier(bad)).toThrow(/not a plain SQL identifier/);
    }
  });
});
