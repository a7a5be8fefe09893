import { CURRENCIES, type Currency, isCurrency } from '@custody/money';
import { DomainError } from '@custody/service-kit';

/** The longest range one statement covers, `from` and `to` included: a leap year, so a whole year always fits. */
export const MAX_STATEMENT_DAYS = 366;
export const STATEMENT_PAGE_SIZE = { default: 100, max: 500 } as const;

/** `GET /v1/fund-accounts/{fundAccountNo}/statement` as the caller sent it (query strings, all optional here). */
export interface StatementQuery {
  currency?: string;
  from?: string;
  to?: string;
  cursor?: string;
  limit?: string;
}

/** Which statement: one fund ledger over a range of business dates, both ends included. */
export interface StatementScope {
  readonly fundAccountNo: string;
  readonly currency: Currency;
  readonly from: string;
  readonly to: string;
}

export interface StatementRequest extends StatementScope {
  readonly limit: number;
  readonly cursor?: string;
}

const DAY_MS = 86_400_000;

/** `YYYY-MM-DD` naming a day that exists (2026-02-30 does not). */
export function isCalendarDate(value: string): boolean {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(value)) return false;
  const at = Date.parse(`${value}T00:00:00Z`);
  return !Number.isNaN(at) && new Date(at).toISOString().slice(0, 10) === value;
}

/** Days from `from` to `to`, both included. */
export function daysCovered(from: string, to: string): number {
  return (Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) / DAY_MS + 1;
}

/**
 * The statement asked for, or VALIDATION_FAILED naming every defect at once (api.md): currency required and one
 * of CNY/USD/HKD, `from` and `to` required calendar dates with `from` ≤ `to` and at most MAX_STATEMENT_DAYS
 * days, `limit` 1–STATEMENT_PAGE_SIZE.max. Whether the fund account holds that currency is the ledger's to say
 * (NOT_FOUND), after this.
 */
export function readStatementRequest(fundAccountNo: string, query: StatementQuery): StatementRequest {
  const defects: string[] = [];
  const { currency, from, to } = query;
  if (currency === undefined || currency === '') defects.push('currency is required');
  else if (!isCurrency(currency)) defects.push(`currency must be one of ${CURRENCIES.join(', ')}`);
  for (const [name, value] of [['from', from], ['to', to]] as const) {
    if (value === undefined || value === '') defects.push(`${name} is required`);
    else if (!isCalendarDate(value)) defects.push(`${name} must be a date YYYY-MM-DD that exists`);
  }
  if (from && to && isCalendarDate(from) && isCalendarDate(to)) {
    if (from > to) defects.push(`from (${from}) must not be after to (${to})`);
    else if (daysCovered(from, to) > MAX_STATEMENT_DAYS) defects.push(`a statement covers at most ${MAX_STATEMENT_DAYS} days; ${from}..${to} is ${daysCovered(from, to)}`);
  }
  const limit = query.limit === undefined ? STATEMENT_PAGE_SIZE.default : Number(query.limit);
  if (query.limit !== undefined && (!/^\d{1,3}$/.test(query.limit) || limit < 1 || limit > STATEMENT_PAGE_SIZE.max)) {
    defects.push(`limit must be a whole number from 1 to ${STATEMENT_PAGE_SIZE.max}`);
  }
  if (defects.length > 0) throw new DomainError('VALIDATION_FAILED', defects.join('; '));
  return { fundAccountNo, currency: currency as Currency, from: from!, to: to!, limit, cursor: query.cursor };
}
