/**
 * One row of PostgreSQL's COPY text format: tab-separated, `\N` for null, backslash, tab, newline and
 * carriage return escaped (a day file's CHAR field may hold any of them but the newline).
 */
export function copyRow(values: ReadonlyArray<string | number | null>): string {
  let row = '';
  for (let i = 0; i < values.length; i += 1) {
    const value = values[i];
    if (i > 0) row += '\t';
    row += value === null ? '\\N' : typeof value === 'number' ? String(value) : NEEDS_ESCAPE.test(value) ? escape(value) : value;
  }
  return `${row}\n`;
}

/** Most values have nothing to escape: a test is cheaper than a replace. */
const NEEDS_ESCAPE = /[\\\t\n\r]/;
const SPECIAL = /[\\\t\n\r]/g;
const ESCAPES: Record<string, string> = { '\\': '\\\\', '\t': '\\t', '\n': '\\n', '\r': '\\r' };

function escape(text: string): string {
  return text.replace(SPECIAL, (c) => ESCAPES[c]);
}
