import { type FieldReference, FieldViolation } from './day-file-error';
import type { FieldType } from './field-types';
import { characterLength } from './gb18030-text';

/**
 * One record table of JR/T 0046 Appendix A as a line codec: the fields in the table's order, each with the
 * standard's label, its width in bytes and its value type; `|` between fields (A.1 b). Writing and reading
 * apply the same checks, field by field and then across fields.
 */

const SEPARATOR = 0x7c;

export interface FieldDefinition<R, K extends keyof R & string = keyof R & string> {
  /** The record's property: the JSON name api.md fixes. */
  readonly name: K;
  /** The standard's 数据项名称, for errors a reader of the standard recognises. */
  readonly label: string;
  readonly width: number;
  readonly type: FieldType<R[K]>;
}

export interface PlacedField<R> extends FieldDefinition<R> {
  /** 1-based, as DIF "positions" count (A.8). */
  readonly position: number;
  /** Byte offset of the field in the line. */
  readonly offset: number;
}

/** Cross-field rules of a record; throws a `FieldViolation` naming the field at fault. */
export type RecordCheck<R> = (record: R, fieldNamed: (name: keyof R & string) => FieldReference) => void;

/** The fields of a line as byte ranges: field `i` is `[starts[i], ends[i])`. */
export interface FieldRanges {
  readonly starts: readonly number[];
  readonly ends: readonly number[];
}

export interface RecordLayout<R> {
  readonly fields: readonly PlacedField<R>[];
  /** Bytes of a record, without the line end. */
  readonly width: number;
  readonly position: { readonly [K in keyof R & string]: number };
  /** The record's `width` bytes, one latin1 character per byte (see `FieldType`). */
  format(record: R): string;
  /**
   * Reads a record from the byte ranges of its fields (see `splitFields`), starting at field `first`.
   * `line` holds the bytes from `lineStart` on as latin1 characters.
   */
  decodeFields(bytes: Buffer, line: string, lineStart: number, ranges: FieldRanges, first: number): R;
}

type MissingFields<R, F extends readonly { readonly name: string }[]> = Exclude<keyof R & string, F[number]['name']>;
/** Compile-time proof that a layout writes every property of its record type. */
type CoversRecord<R, F extends readonly { readonly name: string }[]> = [MissingFields<R, F>] extends [never]
  ? unknown
  : { readonly missingFields: MissingFields<R, F> };

/** Describes the record type `R` field by field: `layoutOf<Chk01Record>().layout([f('bankInstId', …), …])`. */
export function layoutOf<R>() {
  return {
    field<K extends keyof R & string>(name: K, label: string, width: number, type: FieldType<R[K]>): FieldDefinition<R, K> {
      return { name, label, width, type };
    },
    layout<const F extends readonly FieldDefinition<R, keyof R & string>[]>(fields: F & CoversRecord<R, F>, check?: RecordCheck<R>): RecordLayout<R> {
      return recordLayout<R>(fields, check);
    },
  };
}

/** A violation from a field type, now naming the field. */
function atField(error: unknown, field: FieldReference): unknown {
  return error instanceof FieldViolation && error.field === undefined ? new FieldViolation(error.defect, error.detail, field) : error;
}

function recordLayout<R>(definitions: readonly FieldDefinition<R>[], check: RecordCheck<R> | undefined): RecordLayout<R> {
  let offset = 0;
  const fields = definitions.map((definition, index): PlacedField<R> => {
    const placed = { ...definition, position: index + 1, offset };
    offset += definition.width + 1;
    return placed;
  });
  const width = offset - 1;
  const byName = new Map<string, PlacedField<R>>(fields.map((field) => [field.name, field]));
  const fieldNamed = (name: string): FieldReference => {
    const field = byName.get(name);
    if (field === undefined) throw new Error(`no field ${name} in this layout`);
    return field;
  };
  const position = Object.fromEntries(fields.map((field) => [field.name, field.position])) as RecordLayout<R>['position'];

  return {
    fields,
    width,
    position,
    format(record) {
      if (typeof record !== 'object' || record === null) throw new FieldViolation('INVALID_VALUE', 'a record must be an object');
      let line = '';
      for (const field of fields) {
        let formatted: string;
        try {
          formatted = field.type.format(record[field.name], field.width);
        } catch (error) {
          throw atField(error, field);
        }
        if (formatted.length !== field.width) throw new Error(`${field.name} formatted to ${formatted.length} bytes, not ${field.width}`);
        line += field.position === 1 ? formatted : `|${formatted}`;
      }
      check?.(record, fieldNamed);
      return line;
    },
    decodeFields(bytes, line, lineStart, ranges, first) {
      const record: Partial<Record<keyof R, unknown>> = {};
      for (const field of fields) {
        const fieldStart = ranges.starts[first + field.position - 1];
        const fieldEnd = ranges.ends[first + field.position - 1];
        if (fieldEnd - fieldStart !== field.width) {
          throw new FieldViolation('FIELD_WIDTH', `has ${fieldEnd - fieldStart} bytes, the field ${field.width}`, field);
        }
        try {
          record[field.name] = field.type.parse(line.slice(fieldStart - lineStart, fieldEnd - lineStart), bytes, fieldStart);
        } catch (error) {
          throw atField(error, field);
        }
      }
      check?.(record as R, fieldNamed);
      return record as R;
    },
  };
}

/**
 * Splits `bytes[start, end)` at every `|` that is a character of its own, walking GB18030 characters so
 * that a 2-byte character ending in 0x7C stays inside its field. `invalidAt` is the first byte that
 * starts no GB18030 character (the split stops there).
 */
export function splitFields(bytes: Buffer, start: number, end: number): FieldRanges & { readonly invalidAt?: number } {
  const starts = [start];
  const ends: number[] = [];
  let index = start;
  while (index < end) {
    const byte = bytes[index];
    if (byte === SEPARATOR) {
      ends.push(index);
      starts.push(index + 1);
      index += 1;
      continue;
    }
    if (byte < 0x80) {
      index += 1;
      continue;
    }
    const length = characterLength(bytes, index, end);
    if (length === 0) {
      ends.push(index);
      return { starts, ends, invalidAt: index };
    }
    index += length;
  }
  ends.push(end);
  return { starts, ends };
}
