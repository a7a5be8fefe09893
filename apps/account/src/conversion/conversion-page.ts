import { DomainError } from '@custody/service-kit';

/**
 * The pages of the conversion endpoints: a batch's lines after a line number, the clean-up report after a fund
 * account number. Opaque to callers (they pass back what they were given), refused before SQL when not issued here.
 */
const LINE_CURSOR = /^line:(\d{1,9})$/;
// Any text: accounts opened before the 1–14 digit rule are listed too.
const ACCOUNT_CURSOR = /^account:([^\n]{1,64})$/;

export function encodeLineCursor(lineNo: number): string {
  return Buffer.from(`line:${lineNo}`).toString('base64url');
}

export function decodeLineCursor(cursor: string | undefined): number {
  if (cursor === undefined || cursor === '') return 0;
  const match = LINE_CURSOR.exec(Buffer.from(cursor, 'base64url').toString());
  if (!match) throw new DomainError('VALIDATION_FAILED', 'cursor is not one this API issued', { field: 'cursor' });
  return Number(match[1]);
}

export function encodeAccountCursor(fundAccountNo: string): string {
  return Buffer.from(`account:${fundAccountNo}`).toString('base64url');
}

/** The fund account number a page of the report ended after; '' before the first. */
export function decodeAccountCursor(cursor: string | undefined): string {
  if (cursor === undefined || cursor === '') return '';
  const match = ACCOUNT_CURSOR.exec(Buffer.from(cursor, 'base64url').toString());
  if (!match) throw new DomainError('VALIDATION_FAILED', 'cursor is not one this API issued', { field: 'cursor' });
  return match[1];
}

/** `limit` as callers pass it: 1 to `max`, `fallback` when absent. */
export function pageLimit(raw: string | undefined, fallback: number, max: number): number {
  if (raw === undefined || raw === '') return fallback;
  if (!/^\d{1,4}$/.test(raw) || Number(raw) < 1 || Number(raw) > max) throw new DomainError('VALIDATION_FAILED', `limit must be 1 to ${max}`, { field: 'limit' });
  return Number(raw);
}
