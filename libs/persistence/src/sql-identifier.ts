/**
 * Schema and table names end up inside SQL text (DDL cannot take them as parameters), so only plain
 * lower-case identifiers are accepted: a name that needs quoting to be valid is a mistake, not input.
 */
const IDENTIFIER = /^[a-z_][a-z0-9_]{0,62}$/;

export function assertSqlIdentifier(name: string, what = 'identifier'): string {
  if (!IDENTIFIER.test(name)) {
    throw new Error(`${what} "${name}" is not a plain SQL identifier (lower-case letters, digits, _; at most 63)`);
  }
  return name;
}

/** `"name"` after checking it; quoted anyway so that a reserved word (e.g. `user`) still works. */
export function quoteIdentifier(name: string, what = 'identifier'): string {
  return `"${assertSqlIdentifier(name, what)}"`;
}

/** `"schema"."table"`. */
export function qualifiedTable(schema: string, table: string): string {
  return `${quoteIdentifier(schema, 'schema')}.${quoteIdentifier(table, 'table')}`;
}
