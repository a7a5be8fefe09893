import { FUND_ACCOUNT_NO_PATTERN, type ErrorCode } from '@custody/contracts';
import { CURRENCIES, type Currency } from '@custody/money';

/**
 * F-12.2.2 批量转化: the file of customers to pre-designate, one `fundAccountNo,currency,bankCode` per line, as CSV
 * (`text/csv`, an optional header line of exactly those names) or NDJSON (`application/x-ndjson`, one object with
 * exactly those keys per line). A file that cannot be read as a whole is refused (`BatchFileError`, nothing kept);
 * a line that cannot be read is that line's refusal and the others go on.
 *
 * Lines are numbered as the file's lines (1-based, blank lines and the header counted), so an operator finds them in
 * the file as sent. A refusal never quotes the line: an operator's wrong file may hold anything, ID numbers too.
 */
export type BatchFileFormat = 'CSV' | 'NDJSON';

const FORMATS: Record<string, BatchFileFormat> = { 'text/csv': 'CSV', 'application/x-ndjson': 'NDJSON' };
export const BATCH_FILE_CONTENT_TYPES = Object.keys(FORMATS);

/** Bigger files are split by whoever sends them: one batch is one transaction of inserted lines. */
export const MAX_BATCH_FILE_BYTES = 8 * 1024 * 1024;
export const MAX_BATCH_LINES = 50_000;

const HEADER = ['fundAccountNo', 'currency', 'bankCode'] as const;

export class BatchFileError extends Error {
  constructor(
    readonly code: Extract<ErrorCode, 'VALIDATION_FAILED' | 'UNSUPPORTED_MEDIA_TYPE' | 'PAYLOAD_TOO_LARGE'>,
    readonly detail: string,
  ) {
    super(detail);
  }
}

export interface BatchLineFields {
  readonly fundAccountNo: string;
  readonly currency: Currency;
  readonly bankCode: string;
}

export interface LineRefusal {
  readonly code: Extract<ErrorCode, 'VALIDATION_FAILED' | 'UNKNOWN_BANK'>;
  readonly message: string;
}

/** A line to pre-designate, or a line refused as it was read (with whichever of its fields were well formed). */
export type BatchFileLine =
  | { readonly lineNo: number; readonly fields: BatchLineFields }
  | { readonly lineNo: number; readonly refusal: LineRefusal; readonly readable: Partial<BatchLineFields> };

/** The format a `Content-Type` names (its parameters, e.g. `charset`, aside), or UNSUPPORTED_MEDIA_TYPE. */
export function batchFileFormat(contentType: string | undefined): BatchFileFormat {
  const mediaType = (contentType ?? '').split(';')[0].trim().toLowerCase();
  const format = FORMATS[mediaType];
  if (!format) throw new BatchFileError('UNSUPPORTED_MEDIA_TYPE', `a batch file is sent as ${BATCH_FILE_CONTENT_TYPES.join(' or ')}, not ${mediaType || 'without a Content-Type'}`);
  return format;
}

/** Reads the whole file; `banks` are the configured bank codes (a line naming another is refused UNKNOWN_BANK). */
export function readBatchFile(bytes: Buffer, format: BatchFileFormat, banks: ReadonlySet<string>): BatchFileLine[] {
  if (bytes.length > MAX_BATCH_FILE_BYTES) throw new BatchFileError('PAYLOAD_TOO_LARGE', `a batch file holds at most ${MAX_BATCH_FILE_BYTES} bytes: split it`);
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    throw new BatchFileError('VALIDATION_FAILED', 'the file is not UTF-8 text');
  }
  const rows = text.replace(/^\uFEFF/, '').split(/\r?\n/);
  const lines: BatchFileLine[] = [];
  const firstLineOf = new Map<string, number>();
  rows.forEach((row, i) => {
    const lineNo = i + 1;
    if (row.trim() === '') return;
    if (format === 'CSV' && lines.length === 0 && isCsvHeader(row)) return;
    const line = readLine(lineNo, format === 'CSV' ? csvFields(row) : ndjsonFields(row), banks, firstLineOf);
    lines.push(line);
  });
  if (lines.length === 0) throw new BatchFileError('VALIDATION_FAILED', 'the file holds no lines to pre-designate');
  if (lines.length > MAX_BATCH_LINES) throw new BatchFileError('VALIDATION_FAILED', `a batch file holds at most ${MAX_BATCH_LINES} lines, this one ${lines.length}: split it`);
  return lines;
}

type RawFields = { readonly values: Record<(typeof HEADER)[number], string> } | { readonly refusal: string };

function isCsvHeader(row: string): boolean {
  const names = row.split(',').map((name) => unquote(name.trim()).toLowerCase());
  return names.length === HEADER.length && HEADER.every((name, i) => names[i] === name.toLowerCase());
}

function unquote(field: string): string {
  return field.length >= 2 && field.startsWith('"') && field.endsWith('"') ? field.slice(1, -1) : field;
}

function csvFields(row: string): RawFields {
  const fields = row.split(',').map((field) => unquote(field.trim()));
  if (fields.length !== HEADER.length) return { refusal: `a line holds ${HEADER.join(',')} (3 fields), this one ${fields.length}` };
  return { values: { fundAccountNo: fields[0], currency: fields[1], bankCode: fields[2] } };
}

function ndjsonFields(row: string): RawFields {
  let value: unknown;
  try {
    value = JSON.parse(row);
  } catch {
    return { refusal: 'the line is not JSON' };
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return { refusal: `a line is one JSON object with ${HEADER.join(', ')}` };
  const keys = Object.keys(value).sort();
  if (keys.join() !== [...HEADER].sort().join()) return { refusal: `a line's object has exactly the keys ${HEADER.join(', ')}` };
  const entries = value as Record<string, unknown>;
  if (HEADER.some((key) => typeof entries[key] !== 'string')) return { refusal: `${HEADER.join(', ')} are strings` };
  return { values: { fundAccountNo: entries.fundAccountNo as string, currency: entries.currency as string, bankCode: entries.bankCode as string } };
}

function readLine(lineNo: number, raw: RawFields, banks: ReadonlySet<string>, firstLineOf: Map<string, number>): BatchFileLine {
  if ('refusal' in raw) return { lineNo, refusal: { code: 'VALIDATION_FAILED', message: raw.refusal }, readable: {} };
  const { fundAccountNo, currency, bankCode } = raw.values;
  const readable: { fundAccountNo?: string; currency?: Currency; bankCode?: string } = {};
  const defects: string[] = [];
  if (FUND_ACCOUNT_NO_PATTERN.test(fundAccountNo)) readable.fundAccountNo = fundAccountNo;
  else defects.push('fundAccountNo must be 1 to 14 digits');
  if ((CURRENCIES as readonly string[]).includes(currency)) readable.currency = currency as Currency;
  else defects.push(`currency must be one of ${CURRENCIES.join(', ')}`);
  if (/^\d{7}$/.test(bankCode)) readable.bankCode = bankCode;
  else defects.push('bankCode is the 7-digit bank code');
  if (defects.length > 0) return { lineNo, refusal: { code: 'VALIDATION_FAILED', message: defects.join('; ') }, readable };
  const fields = { fundAccountNo, currency: currency as Currency, bankCode };
  if (!banks.has(bankCode)) return { lineNo, refusal: { code: 'UNKNOWN_BANK', message: `bank ${bankCode} is not configured` }, readable: fields };
  const key = `${fundAccountNo}:${currency}`;
  const first = firstLineOf.get(key);
  if (first !== undefined) return { lineNo, refusal: { code: 'VALIDATION_FAILED', message: `the same fund account and currency as line ${first}` }, readable: fields };
  firstLineOf.set(key, lineNo);
  return { lineNo, fields };
}
