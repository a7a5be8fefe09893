/**
 * One row of PostgreSQL's COPY text format: tab-separated, `\N` for null, backslash, tab, newline and
 * carriage return escaped (a day file's CHAR field may hold any of them but the newline).
 */
export function copyRow(values: ReadonlyArray<string | number | null>): string {
  return `${values.map((value) => (value === null ? '\\N' : escape(String(value)))).join('\t')}\n`;
}

const SPECIAL = /[\\\t\n\r]/g;
const ESCAPES: Record<string, string> = { '\\': '\\\\', '\t': '\\t', '\n': '\\n', '\r': '\\r' };

function escape(text: string): string {
  return text.replace(SPECIAL, (c) => ESCAPES[c]);
}
