import { copyRow } from './copy-text';

describe('PostgreSQL COPY text rows', () => {
  it('separates by tab, writes null as \\N and escapes backslash, tab, newline and carriage return', () => {
    expect(copyRow(['a', null, 3, 'x\\y\tz\nw\r'])).toBe('a\t\\N\t3\tx\\\\y\\tz\\nw\\r\n');
  });
});
