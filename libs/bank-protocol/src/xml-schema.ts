import { AmountFormatError, type Currency, isCurrency, Money } from '@custody/money';
import type { DecodeFailure } from './protocol-errors';
import type { XmlElement } from './xml-tree';

/**
 * A small schema language for the standard's tables. One description per element drives both
 * encoding (names and order exactly as the table lists them) and decoding (names, cardinality,
 * value formats), so the two can never drift apart. Object keys are the standard's XML tags.
 */

/** Thrown by types while encoding or decoding; the codec turns it into its public error types. */
export class SchemaViolation extends Error {
  constructor(
    readonly reason: DecodeFailure,
    readonly path: string,
    detail: string,
  ) {
    super(`${path}: ${detail}`);
  }
}

export interface XmlType<T> {
  readonly description: string;
  decode(element: XmlElement, path: string): T;
  // Method syntax on purpose: it keeps XmlType<string> assignable to XmlType<unknown> inside shapes.
  encode(value: T, name: string, path: string): XmlElement;
}

export type Infer<X> = X extends XmlType<infer T> ? T : never;

/**
 * A text-valued element. Encoding formats the value and then parses the result again, so whatever
 * we send has passed exactly the checks we apply to what we receive.
 */
export function simpleType<T>(
  description: string,
  parse: (text: string, path: string) => T,
  format: (value: unknown, path: string) => string,
): XmlType<T> {
  return {
    description,
    decode(element, path) {
      if (element.children.length > 0) throw new SchemaViolation('INVALID_VALUE', path, `${description} must be text`);
      return parse(element.text ?? '', path);
    },
    encode(value, name, path) {
      const text = format(value, path);
      parse(text, path);
      return { name, text, children: [] };
    },
  };
}

/** Code points, so a character outside the BMP (a rare name character) counts once, not twice. */
function characterCount(text: string): number {
  return Array.from(text).length;
}

function requireString(value: unknown, path: string, description: string): string {
  if (typeof value !== 'string') throw new SchemaViolation('INVALID_VALUE', path, `${description} must be a string`);
  return value;
}

/** §4.2.2.4: MaxNText counts characters (not bytes), at least one. */
export function text(maxLength: number, minLength = 1): XmlType<string> {
  const description = maxLength === minLength ? `Fix${maxLength}Text` : `Max${maxLength}Text`;
  return simpleType(
    description,
    (value, path) => {
      const length = characterCount(value);
      if (length < minLength || length > maxLength) {
        throw new SchemaViolation('INVALID_VALUE', path, `${description} must have ${minLength}..${maxLength} characters, has ${length}`);
      }
      return value;
    },
    (value, path) => requireString(value, path, description),
  );
}

/** A §7 code list. `aliases` are accepted on input only and read as their canonical code. */
export function codeList<const V extends string>(
  description: string,
  values: readonly V[],
  aliases: Readonly<Record<string, V>> = {},
): XmlType<V> {
  const allowed = new Set<string>(values);
  const isCode = (value: string): value is V => allowed.has(value);
  return simpleType(
    description,
    (value, path) => {
      if (isCode(value)) return value;
      if (Object.prototype.hasOwnProperty.call(aliases, value)) return aliases[value];
      throw new SchemaViolation('INVALID_VALUE', path, `"${value}" is not a ${description}`);
    },
    (value, path) => {
      const code = requireString(value, path, description);
      if (!isCode(code)) throw new SchemaViolation('INVALID_VALUE', path, `"${code}" is not a ${description}`);
      return code;
    },
  );
}

/** Text constrained by a pattern, e.g. InstructionCode ({0~9}{5,5}) or CountryCode ({A~Z}{3,3}). */
export function patterned(description: string, pattern: RegExp): XmlType<string> {
  return simpleType(
    description,
    (value, path) => {
      if (!pattern.test(value)) throw new SchemaViolation('INVALID_VALUE', path, `"${value}" is not a valid ${description}`);
      return value;
    },
    (value, path) => requireString(value, path, description),
  );
}

/** §4.2.2.3.1 Date, YYYYMMDD, a real calendar day. */
export const date: XmlType<string> = simpleType(
  'Date',
  (value, path) => {
    const match = /^(\d{4})(\d{2})(\d{2})$/.exec(value);
    const valid =
      match !== null &&
      (() => {
        const [year, month, day] = [Number(match[1]), Number(match[2]), Number(match[3])];
        const probe = new Date(Date.UTC(year, month - 1, day));
        return probe.getUTCFullYear() === year && probe.getUTCMonth() === month - 1 && probe.getUTCDate() === day;
      })();
    if (!valid) throw new SchemaViolation('INVALID_VALUE', path, `"${value}" is not a YYYYMMDD date`);
    return value;
  },
  (value, path) => requireString(value, path, 'Date'),
);

/** §4.2.2.3.2 Time, HHMMSS. */
export const time: XmlType<string> = simpleType(
  'Time',
  (value, path) => {
    const match = /^([01]\d|2[0-3])([0-5]\d)([0-5]\d)$/.exec(value);
    if (!match) throw new SchemaViolation('INVALID_VALUE', path, `"${value}" is not an HHMMSS time`);
    return value;
  },
  (value, path) => requireString(value, path, 'Time'),
);

/** §4.2.2.3.3 DateTime, YYYYMMDDHHMMSS: a Date followed by a Time. */
export const dateTime: XmlType<string> = simpleType(
  'DateTime',
  (value, path) => {
    if (!/^\d{14}$/.test(value)) throw new SchemaViolation('INVALID_VALUE', path, `"${value}" is not a YYYYMMDDHHMMSS date and time`);
    date.decode({ name: 'Date', text: value.slice(0, 8), children: [] }, path);
    time.decode({ name: 'Time', text: value.slice(8), children: [] }, path);
    return value;
  },
  (value, path) => requireString(value, path, 'DateTime'),
);

/** §4.2.2.2.1 Number: up to 18 digits, no sign, no decimals (SeqNo values). */
export const integer: XmlType<number> = simpleType(
  'Number',
  (value, path) => {
    if (!/^[0-9]{1,18}$/.test(value)) throw new SchemaViolation('INVALID_VALUE', path, `"${value}" is not a Number`);
    const parsed = Number(value);
    if (!Number.isSafeInteger(parsed)) throw new SchemaViolation('INVALID_VALUE', path, `${value} is too large`);
    return parsed;
  },
  (value, path) => {
    if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 0) {
      throw new SchemaViolation('INVALID_VALUE', path, 'Number must be a non-negative integer');
    }
    return String(value);
  },
);

/**
 * §4.2.2.1 Amount: at most 18 digits of which 2 decimals, never negative (minInclusive 0). Transfer
 * amounts must also be positive (§5.13.4 h). Parsing goes through the money module so the rules are
 * the hub's one definition of an amount.
 */
export function amount(sign: 'positive' | 'non-negative'): XmlType<Money> {
  return simpleType(
    sign === 'positive' ? 'Amount (> 0)' : 'Amount',
    (value, path) => {
      try {
        return Money.parse(value, sign);
      } catch (error) {
        const defect = error instanceof AmountFormatError ? error.defect : 'NOT_A_NUMBER';
        throw new SchemaViolation('INVALID_AMOUNT', path, `amount "${value}" refused: ${defect}`);
      }
    },
    (value, path) => {
      if (!(value instanceof Money)) throw new SchemaViolation('INVALID_AMOUNT', path, 'amount must be a Money');
      try {
        return value.toString();
      } catch {
        throw new SchemaViolation('INVALID_AMOUNT', path, 'amount has more than two decimals');
      }
    },
  );
}

/** §7.2 CurrencyCode per GB/T 12406, limited to the currencies the hub handles; `RMB` is read as `CNY`. */
export const currency: XmlType<Currency> = simpleType(
  'CurrencyCode',
  (value, path) => {
    const canonical = value === 'RMB' ? 'CNY' : value;
    if (!isCurrency(canonical)) throw new SchemaViolation('INVALID_CURRENCY', path, `unsupported currency "${value}"`);
    return canonical;
  },
  (value, path) => {
    if (!isCurrency(value)) throw new SchemaViolation('INVALID_CURRENCY', path, `unsupported currency "${String(value)}"`);
    return value;
  },
);

/** §6.2.3 ReturnCode, four digits. The standard's table prints success as `0`; it is read as `0000`. */
export const returnCode: XmlType<string> = simpleType(
  'ReturnCode',
  (value, path) => {
    if (value === '0') return '0000';
    if (!/^[0-9]{4}$/.test(value)) throw new SchemaViolation('INVALID_VALUE', path, `"${value}" is not a ReturnCode`);
    return value;
  },
  (value, path) => requireString(value, path, 'ReturnCode'),
);

/**
 * The serial inside a Reference (§6.3.3, Max35Text). Refusals name the reason INVALID_REFERENCE so
 * a bank can answer 5236. The profile's tighter 20-character limit applies to the serials a message
 * issues (`MsgHdr/Ref`) and is checked by the codec, so a reply can still quote a longer foreign `Ref`.
 */
export const MAX_SERIAL_LENGTH = 20;
export const serial: XmlType<string> = simpleType(
  'Serial',
  (value, path) => {
    const length = characterCount(value);
    if (length < 1 || length > 35) throw new SchemaViolation('INVALID_REFERENCE', path, `serial must have 1..35 characters, has ${length}`);
    return value;
  },
  (value, path) => requireString(value, path, 'Serial'),
);

export function serialLength(value: string): number {
  return characterCount(value);
}

export interface Slot<T, Optional extends boolean, Many extends boolean> {
  readonly type: XmlType<T>;
  readonly optional: Optional;
  readonly many: Many;
  readonly min: number;
  readonly max: number;
}

export type AnySlot = Slot<unknown, boolean, boolean>;
export type Shape = Readonly<Record<string, AnySlot>>;

/** [1..1] */
export function required<T>(type: XmlType<T>): Slot<T, false, false> {
  return { type, optional: false, many: false, min: 1, max: 1 };
}

/** [0..1] */
export function optional<T>(type: XmlType<T>): Slot<T, true, false> {
  return { type, optional: true, many: false, min: 0, max: 1 };
}

/** [0..n]; the property is absent when the element does not occur. */
export function repeated<T>(type: XmlType<T>, max = Number.POSITIVE_INFINITY): Slot<T, true, true> {
  return { type, optional: true, many: true, min: 0, max };
}

type SlotValue<S> = S extends Slot<infer T, boolean, infer M> ? (M extends true ? readonly T[] : T) : never;
type RequiredKeys<S extends Shape> = { [K in keyof S]: S[K]['optional'] extends true ? never : K }[keyof S];
type Simplify<T> = { [K in keyof T]: T[K] } & {};

export type ShapeValue<S extends Shape> = Simplify<
  { readonly [K in RequiredKeys<S>]: SlotValue<S[K]> } & {
    readonly [K in Exclude<keyof S, RequiredKeys<S>>]?: SlotValue<S[K]>;
  }
>;

export interface SequenceType<S extends Shape> extends XmlType<ShapeValue<S>> {
  readonly shape: S;
}

function hasOwn(record: object, key: string): boolean {
  return Object.prototype.hasOwnProperty.call(record, key);
}

/** §4.5.2: business elements added by agreement start with `UE`; a reader ignores what it does not know of them. */
function isExtensionElement(name: string): boolean {
  return name.startsWith('UE');
}

/**
 * A component or message body: child elements in the order of the standard's table. Decoding accepts
 * any order (Postel: the tables fix names and cardinality; we emit their order and do not refuse a
 * bank over it) but refuses unknown non-`UE` elements, repeated singletons and missing mandatories.
 */
export function sequence<S extends Shape>(description: string, shape: S): SequenceType<S> {
  const keys = Object.keys(shape);
  return {
    description,
    shape,
    decode(element, path) {
      if (element.text !== undefined) throw new SchemaViolation('INVALID_VALUE', path, `${description} must contain elements, not text`);
      const found = new Map<string, XmlElement[]>();
      for (const child of element.children) {
        if (!hasOwn(shape, child.name)) {
          if (isExtensionElement(child.name)) continue;
          throw new SchemaViolation('UNEXPECTED_ELEMENT', `${path}/${child.name}`, `<${child.name}> is not part of ${description}`);
        }
        const list = found.get(child.name) ?? [];
        list.push(child);
        found.set(child.name, list);
      }
      const result: Record<string, unknown> = {};
      for (const key of keys) {
        const slot = shape[key];
        const occurrences = found.get(key) ?? [];
        const childPath = `${path}/${key}`;
        if (occurrences.length < slot.min) throw new SchemaViolation('MISSING_ELEMENT', childPath, `<${key}> is mandatory in ${description}`);
        if (occurrences.length > slot.max) throw new SchemaViolation('TOO_MANY_OCCURRENCES', childPath, `<${key}> occurs ${occurrences.length} times, at most ${slot.max} allowed`);
        if (occurrences.length === 0) continue;
        result[key] = slot.many
          ? occurrences.map((child, index) => slot.type.decode(child, `${childPath}[${index + 1}]`))
          : slot.type.decode(occurrences[0], childPath);
      }
      return result as ShapeValue<S>;
    },
    encode(value, name, path) {
      if (typeof value !== 'object' || value === null || Array.isArray(value)) {
        throw new SchemaViolation('INVALID_VALUE', path, `${description} must be an object`);
      }
      const record = value as Readonly<Record<string, unknown>>;
      for (const key of Object.keys(record)) {
        // Refusing unknown keys is how "do not invent fields" is enforced at run time.
        if (!hasOwn(shape, key) && record[key] !== undefined) {
          throw new SchemaViolation('UNEXPECTED_ELEMENT', `${path}/${key}`, `<${key}> is not part of ${description}`);
        }
      }
      const children: XmlElement[] = [];
      for (const key of keys) {
        const slot = shape[key];
        const item = record[key];
        const childPath = `${path}/${key}`;
        if (item === undefined) {
          if (!slot.optional) throw new SchemaViolation('MISSING_ELEMENT', childPath, `<${key}> is mandatory in ${description}`);
          continue;
        }
        if (slot.many) {
          if (!Array.isArray(item)) throw new SchemaViolation('INVALID_VALUE', childPath, `<${key}> must be a list`);
          if (item.length > slot.max) throw new SchemaViolation('TOO_MANY_OCCURRENCES', childPath, `at most ${slot.max} <${key}> allowed`);
          item.forEach((entry: unknown, index: number) => children.push(slot.type.encode(entry, key, `${childPath}[${index + 1}]`)));
        } else {
          children.push(slot.type.encode(item, key, childPath));
        }
      }
      return { name, text: undefined, children };
    },
  };
}
