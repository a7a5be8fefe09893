import { BankProtocolError } from '../protocol-errors';

/**
 * Why a day file, a line or a field was refused (bank-protocol.md §5). Reading and writing refuse for the
 * same reasons, so a file we write always reads back and a file we refuse could not have been ours.
 */
export type DayFileDefect =
  /** Not a gzip stream, or a truncated one. */
  | 'GZIP'
  /** A name that is not `{S|B}_{TYPE}_{YYYYMMDD}.gz`. */
  | 'FILE_NAME'
  /** The last record does not end with `\n`. */
  | 'LINE_END'
  /** Bytes that are not GB18030, or a character GB18030 cannot carry. */
  | 'ENCODING'
  | 'FIELD_COUNT'
  | 'FIELD_WIDTH'
  /** A required field is all spaces (or null / empty when writing). */
  | 'BLANK'
  /** An identifier or code longer than its width: never cut, since a cut one names something else. */
  | 'TOO_LONG'
  /** An INT field that is not `-?digits`. */
  | 'NOT_AN_INT'
  /** An amount with more than two decimals, beyond the field's width, or of a sign the field does not allow. */
  | 'AMOUNT'
  | 'UNKNOWN_CURRENCY'
  | 'INVALID_VALUE'
  /** Fields that contradict each other (an initiator without its serial, a flag that does not fit the currency). */
  | 'INCONSISTENT';

export interface DayFileLocation {
  /** The file's name, or its type when the caller gave none. */
  readonly fileName: string;
  /** 1-based line, i.e. the record's number; absent for faults of the whole file. */
  readonly line?: number;
}

/** One error for everything wrong with a day file, naming the file, the line and the field. */
export class DayFileError extends BankProtocolError {
  constructor(
    readonly defect: DayFileDefect,
    readonly fileName: string,
    detail: string,
    readonly line?: number,
    /** The record's property (`amount`, `broker.amount` inside a DIF record), when one field is at fault. */
    readonly field?: string,
  ) {
    super('DAY_FILE', `${fileName}${line === undefined ? '' : ` line ${line}`}: ${detail}`);
  }
}

/**
 * Thrown by field types and layouts, which know neither the file nor the line; the line codec adds them.
 * `field` is filled in by the layout that owns the field.
 */
export class FieldViolation extends Error {
  constructor(
    readonly defect: DayFileDefect,
    readonly detail: string,
    readonly field?: FieldReference,
  ) {
    super(detail);
  }
}

/** A field as an error names it: its position in the record, the standard's label and our property name. */
export interface FieldReference {
  /** 1-based; `5.16` is field 16 of the record in field 5 of a DIF line. */
  readonly position: number | string;
  readonly label: string;
  readonly name: string;
}

export function describeField(field: FieldReference): string {
  return `field ${field.position} ${field.label} (${field.name})`;
}

export function toDayFileError(violation: FieldViolation, where: DayFileLocation): DayFileError {
  const detail = violation.field ? `${describeField(violation.field)}: ${violation.detail}` : violation.detail;
  return new DayFileError(violation.defect, where.fileName, detail, where.line, violation.field?.name);
}
