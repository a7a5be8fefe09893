import { FieldViolation, toDayFileError } from './day-file-error';
import type {
  Chk01Record,
  Chk02Record,
  Chk03Record,
  Chk04Record,
  Dat01Record,
  Dat02Record,
  DatztRecord,
  Dif01Record,
  Dif02Record,
  Dif03Record,
  Dif04Record,
} from './day-file-records';
import {
  CHK01_LAYOUT,
  CHK02_LAYOUT,
  CHK03_LAYOUT,
  CHK04_LAYOUT,
  DAT01_LAYOUT,
  DAT02_LAYOUT,
  DATZT_LAYOUT,
  DIF04_LAYOUT,
} from './layouts';
import { difLineCodec, flatLineCodec, type LineCodec } from './line-codecs';
import type { RecordLayout } from './record-layout';

/** The record of each day-file type of the profile (bank-protocol.md §5); DAT03–DAT06 share the DATzt table. */
export interface DayFileRecords {
  CHK01: Chk01Record;
  CHK02: Chk02Record;
  CHK03: Chk03Record;
  CHK04: Chk04Record;
  DIF01: Dif01Record;
  DIF02: Dif02Record;
  DIF03: Dif03Record;
  DIF04: Dif04Record;
  DAT01: Dat01Record;
  DAT02: Dat02Record;
  DAT03: DatztRecord;
  DAT04: DatztRecord;
  DAT05: DatztRecord;
  DAT06: DatztRecord;
}

export type DayFileType = keyof DayFileRecords;
export type DayFileRecord<T extends DayFileType> = DayFileRecords[T];

/** The detail files both sides write and compare (§7 step 5), and CHK04, which the bank compares. */
export type CheckFileType = 'CHK01' | 'CHK02' | 'CHK03' | 'CHK04';

/** Every file type whose line is one record of one table, i.e. all but DIF01–DIF03. */
type FlatDayFileType = Exclude<DayFileType, 'DIF01' | 'DIF02' | 'DIF03'>;

export const DAY_FILE_TYPES = [
  'CHK01',
  'CHK02',
  'CHK03',
  'CHK04',
  'DIF01',
  'DIF02',
  'DIF03',
  'DIF04',
  'DAT01',
  'DAT02',
  'DAT03',
  'DAT04',
  'DAT05',
  'DAT06',
] as const satisfies readonly DayFileType[];

export function isDayFileType(value: unknown): value is DayFileType {
  return typeof value === 'string' && (DAY_FILE_TYPES as readonly string[]).includes(value);
}

const LINE_CODECS: { readonly [T in DayFileType]: LineCodec<DayFileRecords[T]> } = {
  CHK01: flatLineCodec('CHK01', CHK01_LAYOUT),
  CHK02: flatLineCodec('CHK02', CHK02_LAYOUT),
  CHK03: flatLineCodec('CHK03', CHK03_LAYOUT),
  CHK04: flatLineCodec('CHK04', CHK04_LAYOUT),
  DIF01: difLineCodec('DIF01', CHK01_LAYOUT),
  DIF02: difLineCodec('DIF02', CHK02_LAYOUT),
  DIF03: difLineCodec('DIF03', CHK03_LAYOUT),
  DIF04: flatLineCodec('DIF04', DIF04_LAYOUT),
  DAT01: flatLineCodec('DAT01', DAT01_LAYOUT),
  DAT02: flatLineCodec('DAT02', DAT02_LAYOUT),
  DAT03: flatLineCodec('DAT03', DATZT_LAYOUT),
  DAT04: flatLineCodec('DAT04', DATZT_LAYOUT),
  DAT05: flatLineCodec('DAT05', DATZT_LAYOUT),
  DAT06: flatLineCodec('DAT06', DATZT_LAYOUT),
};

export function lineCodec<T extends DayFileType>(type: T): LineCodec<DayFileRecords[T]> {
  return LINE_CODECS[type];
}

/** One field of a record table, as the standard lists it. */
export interface DayFileField<R> {
  /** 1-based, as DIF "positions" count. */
  readonly position: number;
  readonly name: keyof R & string;
  /** The standard's 数据项名称. */
  readonly label: string;
  readonly kind: 'CHAR' | 'INT';
  /** Bytes. */
  readonly width: number;
}

function describeFields<R>(layout: RecordLayout<R>): readonly DayFileField<R>[] {
  return layout.fields.map(({ position, name, label, type, width }) => ({ position, name, label, kind: type.kind, width }));
}

/** The fields of every record table, in the standard's order (a DIF line's records use their CHKxx table). */
export const DAY_FILE_FIELDS: { readonly [T in FlatDayFileType]: readonly DayFileField<DayFileRecords[T]>[] } = {
  CHK01: describeFields(CHK01_LAYOUT),
  CHK02: describeFields(CHK02_LAYOUT),
  CHK03: describeFields(CHK03_LAYOUT),
  CHK04: describeFields(CHK04_LAYOUT),
  DIF04: describeFields(DIF04_LAYOUT),
  DAT01: describeFields(DAT01_LAYOUT),
  DAT02: describeFields(DAT02_LAYOUT),
  DAT03: describeFields(DATZT_LAYOUT),
  DAT04: describeFields(DATZT_LAYOUT),
  DAT05: describeFields(DATZT_LAYOUT),
  DAT06: describeFields(DATZT_LAYOUT),
};

/** Each field's 1-based position in its CHKxx layout: the numbers a DIF record's `positions` lists. */
export const FIELD_POSITIONS: { readonly [T in CheckFileType]: { readonly [K in keyof DayFileRecords[T] & string]: number } } = {
  CHK01: CHK01_LAYOUT.position,
  CHK02: CHK02_LAYOUT.position,
  CHK03: CHK03_LAYOUT.position,
  CHK04: CHK04_LAYOUT.position,
};

/**
 * The compared fields of bank-protocol.md §5, in layout order. Records match by (`initiator`, the initiator's
 * serial) in CHK01 and CHK03, by (`fundAccountNo`, `currency`) in CHK02 and CHK04; a matched pair whose
 * compared fields differ is an `X` break. Every other field (dates, names, branch, the other side's serial,
 * `cashExFlag`, `custodyAccountNo`) is never compared.
 */
export const COMPARED_FIELDS = {
  CHK01: ['bankAccountNo', 'fundAccountNo', 'functionCode', 'currency', 'amount'],
  CHK02: ['bankAccountNo', 'status'],
  CHK03: ['bankAccountNo', 'fundAccountNo', 'functionCode', 'currency', 'amount'],
  CHK04: ['amount'],
} as const satisfies { readonly [T in CheckFileType]: readonly (keyof DayFileRecords[T])[] };

/** Adds the file and line to a violation from a codec. */
export function locateViolation(error: unknown, fileName: string, line: number | undefined): unknown {
  return error instanceof FieldViolation ? toDayFileError(error, { fileName, line }) : error;
}

/** One line of a day file, without its `\n`. Throws `DayFileError`. */
export function encodeDayFileLine<T extends DayFileType>(type: T, record: DayFileRecords[T], fileName: string = type): Buffer {
  try {
    return Buffer.from(lineCodec(type).format(record), 'latin1');
  } catch (error) {
    throw locateViolation(error, fileName, undefined);
  }
}

/** Reads one line of a day file (its `\n` or `\r\n` already removed). Throws `DayFileError`. */
export function decodeDayFileLine<T extends DayFileType>(type: T, line: Buffer, fileName: string = type): DayFileRecords[T] {
  try {
    return lineCodec(type).decode(line, 0, line.length);
  } catch (error) {
    throw locateViolation(error, fileName, undefined);
  }
}
