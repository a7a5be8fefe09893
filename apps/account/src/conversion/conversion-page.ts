import { DomainError } from '@custody/service-kit';

/**
 * The pages of the conversion endpoints: a batch's lines after a line number, the clean-up report after a fund
 * account number. Opaque to callers (they pass back what they were given), refused before SQL when not issued here.
 */
const LINE_CURSOR = /^line:(\d{1,9})$/;
// Any text: accounts opened before the 1–14 digit rule are listed too. A number may hold several currencies: the
// page ends after one of them (a cursor issued before that names no currency, and goes on from the number's first).
const ACCOUNT_CURSOR = /^account:([^\n]{1,64})(?:\n([A-Z]{3}))?$/;

export function encodeLineCursor(lineNo: number): string {
  return Buffer.from(`line:${lineNo}`).toString('base64url');
}

export function decodeLineCursor(cursor: string | undefined): number {
  if (cursor === undefined || cursor === '') return 0;
  const match = LINE_CURSOR.exec(Buffer.from(cursor, 'base64url').toString());
  if (!match) throw new DomainError('VALIDATION_FAILED', 'cursor is not one this API issued', { field: 'cursor' });
  return Number(match[1]);
}

/** A fund account in one currency: where a page of the clean-up report ended. */
export interface AccountPosition {
  readonly fundAccountNo: string;
  readonly currency: string;
}

export function encodeAccountCursor(after: AccountPosition): string {
  return Buffer.from(`account:${after.fundAccountNo}\n${after.currency}`).toString('base64url');
}

/** The fund account (number, currency) a page of the report ended after; both '' before the first. */
export function decodeAccountCursor(cursor: string | undefined): AccountPosition {
  if (cursor === undefined || cursor === '') return { fundAccountNo: '', currency: '' };
  const match = ACCOUNT_CURSOR.exec(Buffer.from(cursor, 'base64url').toString());
  if (!match) throw new DomainError('VALIDATION_FAILED', 'cursor is not one this API issued', { field: 'cursor' });
  return { fundAccountNo: match[1], currency: match[2] ?? '' };
}

/** `limit` as callers pass it: 1 to `max`, `fallback` when absent. */
export function pageLimit(raw: string | undefined, fallback: number, max: number): number {
  if (raw === undefined || raw === '') return fallback;
  if (!/^\d{1,4}$/.test(raw) || Number(raw) < 1 || Number(raw) > max) throw new DomainError('VALIDATION_FAILED', `limit must be 1 to ${max}`, { field: 'limit' });
  return Number(raw);
}
