import { type Currency, isCurrency, Money } from '@custody/money';
import { FieldViolation } from './day-file-error';
import { decodeText, encodeText } from './gb18030-text';

/**
 * The value types of day-file fields (JR/T 0046 A.1, bank-protocol.md §5). A type formats and parses one
 * field of a fixed byte width; it knows nothing of the file, the line or which field it is (the layout adds
 * that to its errors). Each type applies the same checks both ways, so whatever we write reads back.
 *
 * Fields travel as "byte strings": one latin1 character per byte, so a line is built and cut up as one
 * string and crosses into a Buffer once, and a field's width in bytes is its length. GB18030 text is
 * converted only inside the fields that hold it.
 */
export interface FieldType<T> {
  readonly kind: 'CHAR' | 'INT';
  /** The field's `width` bytes, padding included, one latin1 character per byte. */
  format(value: T, width: number): string;
  /** Reads a field from its bytes as latin1 characters (`raw`, padding included); `bytes[start…]` are the same bytes. */
  parse(raw: string, bytes: Buffer, start: number): T;
}

/** A CHAR value without its padding: trailing spaces (0x20 is never part of a wider character). */
function withoutPadding(raw: string): string {
  let end = raw.length;
  while (end > 0 && raw.charCodeAt(end - 1) === 0x20) end -= 1;
  return end === raw.length ? raw : raw.slice(0, end);
}

function isBlankValue(value: unknown): boolean {
  return value === null || value === undefined || (typeof value === 'string' && value.trim() === '');
}

function requireString(value: unknown, what: string): string {
  if (typeof value !== 'string') throw new FieldViolation('INVALID_VALUE', `${what} must be a string, is ${value === null ? 'null' : typeof value}`);
  return value;
}

/** A CHAR field that may be blank: spaces in the file, `null` in the record. */
export function nullable<T>(type: FieldType<T>): FieldType<T | null> {
  return {
    kind: type.kind,
    format(value, width) {
      return isBlankValue(value) ? ' '.repeat(width) : type.format(value as T, width);
    },
    parse(raw, bytes, start) {
      return withoutPadding(raw) === '' ? null : type.parse(raw, bytes, start);
    },
  };
}

/**
 * An identifier or code: printable ASCII matching `pattern`, left-aligned. Too long is refused, never
 * cut (a cut account number is another account). A `concealed` value (an ID number) is never quoted in an
 * error, since errors reach logs.
 */
export function code<T extends string = string>(
  description: string,
  pattern: { test(text: string): boolean },
  options: { readonly concealed?: boolean } = {},
): FieldType<T> {
  const shown = (text: string): string => (options.concealed ? `the ${text.length}-character value` : `"${text}"`);
  const check = (text: string): T => {
    if (!pattern.test(text)) throw new FieldViolation('INVALID_VALUE', `${shown(text)} is not ${description}`);
    return text as T;
  };
  return {
    kind: 'CHAR',
    format(value, width) {
      if (isBlankValue(value)) throw new FieldViolation('BLANK', `${description} is required`);
      const text = check(requireString(value, description));
      if (text.length > width) throw new FieldViolation('TOO_LONG', `${shown(text)} has ${text.length} characters, the field ${width} bytes`);
      return text.padEnd(width, ' ');
    },
    parse(raw) {
      const value = withoutPadding(raw);
      if (value === '') throw new FieldViolation('BLANK', `${description} is required, the field is blank`);
      return check(value);
    },
  };
}

/** One of a code list. */
export function oneOf<const V extends string>(description: string, values: readonly V[]): FieldType<V> {
  const allowed = new Set<string>(values);
  return code<V>(`${description} (${values.join(', ')})`, { test: (text) => allowed.has(text) });
}

/** Printable ASCII without spaces or `|`: serials, account numbers, ID numbers. */
export const TOKEN = /^[\x21-\x7b\x7d\x7e]+$/;

/** Control characters and the separator cannot be inside a field, whatever the encoding. */
function hasControlOrSeparator(value: string): boolean {
  for (let i = 0; i < value.length; i += 1) {
    const unit = value.charCodeAt(i);
    if (unit < 0x20 || unit === 0x7f || unit === 0x7c) return true;
  }
  return false;
}

/** `raw` holds one latin1 character per byte: all below 0x80 is ASCII text as it stands. */
function isAscii(raw: string): boolean {
  for (let i = 0; i < raw.length; i += 1) if (raw.charCodeAt(i) >= 0x80) return false;
  return true;
}

/**
 * Free text (names, descriptions), counted in GB18030 bytes. Too long is cut at a character boundary
 * (bank-protocol.md §5), so a 2- or 4-byte character is never split and the rest of the field is spaces.
 */
export function text(description: string): FieldType<string> {
  const check = (value: string): string => {
    if (hasControlOrSeparator(value)) throw new FieldViolation('INVALID_VALUE', `${description} contains a control character or "|"`);
    return value;
  };
  return {
    kind: 'CHAR',
    format(value, width) {
      if (isBlankValue(value)) throw new FieldViolation('BLANK', `${description} is required`);
      const bytes = encodeText(check(requireString(value, description)), width);
      if (bytes === undefined) throw new FieldViolation('ENCODING', `${description} has a character GB18030 cannot carry`);
      return bytes.padEnd(width, ' ');
    },
    parse(raw, bytes, start) {
      const value = withoutPadding(raw);
      if (value === '') throw new FieldViolation('BLANK', `${description} is required, the field is blank`);
      const decoded = isAscii(value) ? value : decodeText(bytes, start, start + value.length);
      if (decoded === undefined) throw new FieldViolation('ENCODING', `${description} is not GB18030`);
      return check(decoded);
    },
  };
}

/** Free text limited to a list (DIF04's 备注信息): never cut, since a cut one is not on the list. */
export function textOneOf<const V extends string>(description: string, values: readonly V[]): FieldType<V> {
  const base = text(description);
  const allowed = new Set<string>(values);
  const check = (value: string): V => {
    if (!allowed.has(value)) throw new FieldViolation('INVALID_VALUE', `"${value}" is not ${description} (${values.join(', ')})`);
    return value as V;
  };
  return {
    kind: 'CHAR',
    format(value, width) {
      if (!isBlankValue(value)) check(requireString(value, description));
      return base.format(value, width);
    },
    parse(raw, bytes, start) {
      return check(base.parse(raw, bytes, start));
    },
  };
}

/** A real calendar day (proleptic Gregorian), without building a `Date`: it runs for every date of every line. */
export function isCalendarDay(year: number, month: number, day: number): boolean {
  if (month < 1 || month > 12 || day < 1) return false;
  const leap = (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
  const days = month === 2 ? (leap ? 29 : 28) : [4, 6, 9, 11].includes(month) ? 30 : 31;
  return day <= days;
}

/**
 * A hub date `YYYY-MM-DD` (api.md's form) written `YYYYMMDD` (A.1 e). Nearly every date of a file is D, so
 * the last date converted each way is remembered.
 */
export const date: FieldType<string> = (() => {
  const none = Symbol('none');
  let lastValue: string | symbol = none;
  let lastFormatted = '';
  let lastRaw: string | symbol = none;
  let lastParsed = '';
  return {
    kind: 'CHAR',
    format(value) {
      if (value === lastValue) return lastFormatted;
      const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(requireString(value, 'a date'));
      if (!match || !isCalendarDay(Number(match[1]), Number(match[2]), Number(match[3]))) {
        throw new FieldViolation('INVALID_VALUE', `"${value}" is not a YYYY-MM-DD date`);
      }
      lastFormatted = `${match[1]}${match[2]}${match[3]}`;
      lastValue = value;
      return lastFormatted;
    },
    parse(raw) {
      if (raw === lastRaw) return lastParsed;
      const match = /^(\d{4})(\d{2})(\d{2})$/.exec(raw);
      if (!match || !isCalendarDay(Number(match[1]), Number(match[2]), Number(match[3]))) {
        throw new FieldViolation('INVALID_VALUE', `"${raw}" is not a YYYYMMDD date`);
      }
      lastParsed = `${match[1]}-${match[2]}-${match[3]}`;
      lastRaw = raw;
      return lastParsed;
    },
  };
})();

/** A time `HH:MM:SS` written `HHMMSS` (A.1 e). */
export const time: FieldType<string> = {
  kind: 'CHAR',
  format(value) {
    const match = /^([01]\d|2[0-3]):([0-5]\d):([0-5]\d)$/.exec(requireString(value, 'a time'));
    if (!match) throw new FieldViolation('INVALID_VALUE', `"${value}" is not an HH:MM:SS time`);
    return `${match[1]}${match[2]}${match[3]}`;
  },
  parse(raw) {
    const match = /^([01]\d|2[0-3])([0-5]\d)([0-5]\d)$/.exec(raw);
    if (!match) throw new FieldViolation('INVALID_VALUE', `"${raw}" is not an HHMMSS time`);
    return `${match[1]}:${match[2]}:${match[3]}`;
  },
};

/** §7.2 / GB/T 12406, the currencies the hub handles; `RMB` is read as `CNY` (bank-protocol.md §4). */
export const currency: FieldType<Currency> = {
  kind: 'CHAR',
  format(value, width) {
    if (!isCurrency(value)) throw new FieldViolation('UNKNOWN_CURRENCY', `unknown currency "${String(value)}"`);
    return value.padEnd(width, ' ');
  },
  parse(raw) {
    const code = withoutPadding(raw);
    const canonical = code === 'RMB' ? 'CNY' : code;
    if (!isCurrency(canonical)) throw new FieldViolation('UNKNOWN_CURRENCY', `unknown currency "${code}"`);
    return canonical;
  },
};

/** Which amounts a field allows, as `Money.parse` names them. */
export type AmountSign = 'positive' | 'non-negative' | 'signed';

/** Signs are judged from the text, not with decimal comparisons: this runs for every amount of every line. */
function checkSign(negative: boolean, zero: boolean, sign: AmountSign, shown: string): void {
  if (sign === 'positive' && (negative || zero)) throw new FieldViolation('AMOUNT', `${shown} must be positive`);
  if (sign === 'non-negative' && negative) throw new FieldViolation('AMOUNT', `${shown} must not be negative`);
}

/**
 * An amount in fen (A.1 d): an INT, right-aligned and zero-padded, a leading `-` inside the width for a
 * negative one. `Money` ↔ fen exactly: more than two decimals or more digits than the width is refused.
 */
export function amount(sign: AmountSign): FieldType<Money> {
  return {
    kind: 'INT',
    format(value, width) {
      if (!(value instanceof Money)) throw new FieldViolation('AMOUNT', 'an amount must be a Money');
      let decimal: string;
      try {
        decimal = value.toString();
      } catch {
        throw new FieldViolation('AMOUNT', 'an amount with more than two decimals has no exact fen value');
      }
      const negative = decimal.startsWith('-');
      const fen = decimal.replace('-', '').replace('.', '').replace(/^0+(?=\d)/, '');
      checkSign(negative, fen === '0', sign, decimal);
      const digits = negative ? width - 1 : width;
      if (fen.length > digits) throw new FieldViolation('AMOUNT', `${decimal} needs ${fen.length} digits of fen, the field has ${digits}`);
      return `${negative ? '-' : ''}${fen.padStart(digits, '0')}`;
    },
    parse(raw) {
      const match = /^(-?)0*(\d+)$/.exec(raw);
      if (!match) throw new FieldViolation('NOT_AN_INT', `"${raw}" is not an INT`);
      const [, minus, digits] = match;
      const zero = digits === '0';
      // Nothing writes -0; reading it as 0 would not write back the same bytes.
      if (minus === '-' && zero) throw new FieldViolation('NOT_AN_INT', `"${raw}" is a negative zero`);
      checkSign(minus === '-', zero, sign, raw);
      // Fen to yuan by moving the decimal point in the text: exact, and cheaper than dividing.
      const padded = digits.padStart(3, '0');
      return Money.fromDb(`${minus}${padded.slice(0, -2)}.${padded.slice(-2)}`);
    },
  };
}

/**
 * 对账异常发生字段的位置集合 (A.8): 1-based positions in a record of `fieldCount` fields, comma-separated,
 * never cut. Blank (A.2 lets a writer leave it so) reads as no positions.
 */
export function positions(fieldCount: number): FieldType<readonly number[]> {
  const check = (position: number): number => {
    if (!Number.isInteger(position) || position < 1 || position > fieldCount) {
      throw new FieldViolation('INVALID_VALUE', `${position} is not a field position 1..${fieldCount}`);
    }
    return position;
  };
  return {
    kind: 'CHAR',
    format(value, width) {
      if (!Array.isArray(value)) throw new FieldViolation('INVALID_VALUE', 'positions must be an array of numbers');
      const written = value.map(check).join(',');
      if (written.length > width) throw new FieldViolation('TOO_LONG', `"${written}" has ${written.length} characters, the field ${width} bytes`);
      return written.padEnd(width, ' ');
    },
    parse(raw) {
      const value = withoutPadding(raw);
      if (value === '') return [];
      if (!/^\d+(,\d+)*$/.test(value)) throw new FieldViolation('INVALID_VALUE', `"${value}" is not a comma-separated list of positions`);
      return value.split(',').map((position) => check(Number(position)));
    },
  };
}
