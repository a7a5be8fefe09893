import { DomainError } from '@custody/service-kit';
import type { StatementScope } from './statement-request';

/**
 * Where a statement page ended, and which books it reads. Movements are served in the strict order
 * (business_date, line_id); `asOfLineId` is the fund ledger's last journal line when the first page was read,
 * and every page reads only lines up to it, so all pages of one statement show the books of one instant
 * (statement.repository.ts says why that instant is well defined) and opening + movements = closing holds
 * across pages even while money keeps moving.
 */
export interface StatementPageKey {
  readonly asOfLineId: string;
  readonly businessDate: string;
  readonly lineId: string;
}

const LINE_ID = /^\d{1,19}$/;
const DATE = /^\d{4}-\d{2}-\d{2}$/;

function scopeOf(scope: StatementScope): string {
  return [scope.fundAccountNo, scope.currency, scope.from, scope.to].join('|');
}

/** Opaque to callers: they pass it back with the same fund account, currency, from and to. */
export function encodeStatementCursor(scope: StatementScope, key: StatementPageKey): string {
  return Buffer.from(`${scopeOf(scope)}|${key.asOfLineId}|${key.businessDate}|${key.lineId}`).toString('base64url');
}

/**
 * Refuses anything this API did not issue for this very statement before it reaches SQL: a cursor of another
 * fund account or range would carry another instant and another position, and silently cut this statement short.
 */
export function decodeStatementCursor(cursor: string, scope: StatementScope): StatementPageKey {
  const parts = Buffer.from(cursor, 'base64url').toString().split('|');
  const [asOfLineId, businessDate, lineId] = parts.slice(-3);
  const issuedFor = parts.slice(0, -3).join('|');
  if (parts.length < 7 || !LINE_ID.test(asOfLineId) || !DATE.test(businessDate) || !LINE_ID.test(lineId)) {
    throw new DomainError('VALIDATION_FAILED', 'cursor is not one this API issued');
  }
  if (issuedFor !== scopeOf(scope)) {
    throw new DomainError('VALIDATION_FAILED', 'cursor belongs to another statement: pass the fund account, currency, from and to of the page that gave it');
  }
  if (BigInt(lineId) > BigInt(asOfLineId) || businessDate < scope.from || businessDate > scope.to) {
    throw new DomainError('VALIDATION_FAILED', 'cursor is not one this API issued');
  }
  return { asOfLineId, businessDate, lineId };
}
