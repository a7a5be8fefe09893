import { COMPARED_FIELDS, type DayFileRecords } from '@custody/bank-protocol';
import { Money } from '@custody/money';

/** The detail files both sides write and this service compares (bank-protocol.md §7 step 5). */
export const DETAIL_FILES = ['CHK01', 'CHK02', 'CHK03'] as const;
export type DetailFile = (typeof DETAIL_FILES)[number];

export function isDetailFile(type: string): type is DetailFile {
  return (DETAIL_FILES as readonly string[]).includes(type);
}

type ComparedField = (typeof COMPARED_FIELDS)[DetailFile][number];

/**
 * Where each compared field of bank-protocol.md §5 is kept in `check_records`. Typed by the codec's
 * `COMPARED_FIELDS`, so a field the profile starts comparing does not compile until it has a column.
 */
export const COMPARED_COLUMNS = {
  bankAccountNo: 'bank_account_no',
  fundAccountNo: 'fund_account_no',
  functionCode: 'function_code',
  currency: 'currency',
  amount: 'amount',
  status: 'status',
} as const satisfies Record<ComparedField, string>;

export type ComparedColumn = (typeof COMPARED_COLUMNS)[ComparedField];
/** In one order for COPY and for the row comparison. */
export const CHECK_COLUMNS: readonly ComparedColumn[] = Object.values(COMPARED_COLUMNS);

/** For each of CHECK_COLUMNS, the field of this file it holds, or null (not compared in this file). */
const FIELD_AT: { readonly [T in DetailFile]: ReadonlyArray<ComparedField | null> } = {
  CHK01: columnsOf('CHK01'),
  CHK02: columnsOf('CHK02'),
  CHK03: columnsOf('CHK03'),
};

function columnsOf(type: DetailFile): Array<ComparedField | null> {
  const compared = COMPARED_FIELDS[type] as readonly ComparedField[];
  return CHECK_COLUMNS.map((column) => compared.find((field) => COMPARED_COLUMNS[field] === column) ?? null);
}

/**
 * The record's compared fields in CHECK_COLUMNS order, `null` where the field is blank or not compared in this
 * file. Called once per record of a million: an array, no intermediate object.
 */
export function comparedValues<T extends DetailFile>(type: T, record: DayFileRecords[T]): Array<string | null> {
  const fields = FIELD_AT[type];
  const values: Array<string | null> = new Array(fields.length);
  for (let i = 0; i < fields.length; i += 1) {
    const field = fields[i];
    const value = field === null ? null : (record as unknown as Record<ComparedField, unknown>)[field];
    values[i] = value === null || value === undefined ? null : value instanceof Money ? value.toString() : String(value);
  }
  return values;
}

/** The DIF file that reports the breaks of each CHK file (table A.8). */
export const DIF_OF = { CHK01: 'DIF01', CHK02: 'DIF02', CHK03: 'DIF03' } as const;
export const CHECK_OF = { DIF01: 'CHK01', DIF02: 'CHK02', DIF03: 'CHK03' } as const;
export type DetailDifFile = keyof typeof CHECK_OF;

export function isDetailDifFile(type: string): type is DetailDifFile {
  return type in CHECK_OF;
}
