import { DomainError } from '@custody/service-kit';

/**
 * Where a page of `GET /v1/transfers` ended: the last row's `(created_at, transfer_id)`, a strict key. The
 * timestamp is PostgreSQL's own, to the microsecond, as text: a JS `Date` keeps milliseconds only, and a
 * cursor cut to the millisecond skipped every row created later in that millisecond.
 */
export interface TransferPageKey {
  /** ISO 8601 in UTC with the database's microseconds, e.g. `2026-11-21T02:00:00.123456Z`. */
  readonly createdAt: string;
  readonly transferId: string;
}

const CREATED_AT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,6})?Z$/;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Opaque to callers: they pass back what they were given. */
export function encodeTransferCursor(key: TransferPageKey): string {
  return Buffer.from(`${key.createdAt}|${key.transferId}`).toString('base64url');
}

/** Refuses anything this API did not issue before it reaches SQL (a malformed uuid would be a 500 there). */
export function decodeTransferCursor(cursor: string): TransferPageKey {
  const [createdAt, transferId, ...rest] = Buffer.from(cursor, 'base64url').toString().split('|');
  if (rest.length > 0 || !CREATED_AT.test(createdAt ?? '') || !UUID.test(transferId ?? '') || Number.isNaN(Date.parse(createdAt))) {
    throw new DomainError('VALIDATION_FAILED', 'cursor is not one this API issued');
  }
  return { createdAt, transferId };
}
