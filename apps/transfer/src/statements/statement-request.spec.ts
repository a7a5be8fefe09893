import { DomainError } from '@custody/service-kit';
import { decodeStatementCursor, encodeStatementCursor } from './statement-page.cursor';
import { readStatementRequest, type StatementQuery } from './statement-request';

const FUND = '100000000001';
const valid: StatementQuery = { currency: 'CNY', from: '2026-11-20', to: '2026-11-24' };

function refusal(query: StatementQuery): string {
  try {
    readStatementRequest(FUND, query);
  } catch (e) {
    if (e instanceof DomainError && e.code === 'VALIDATION_FAILED') return e.detail;
    throw e;
  }
  throw new Error(`accepted ${JSON.stringify(query)}`);
}

describe('statement request (api.md F-5.2)', () => {
  it('a valid request names the ledger, the range and the default page size', () => {
    expect(readStatementRequest(FUND, valid)).toEqual({ fundAccountNo: FUND, currency: 'CNY', from: '2026-11-20', to: '2026-11-24', limit: 100, cursor: undefined });
    expect(readStatementRequest(FUND, { ...valid, from: '2026-11-24', limit: '500' })).toMatchObject({ from: '2026-11-24', to: '2026-11-24', limit: 500 });
  });

  it.each([
    ['currency missing', { ...valid, currency: undefined }, 'currency is required'],
    ['currency not CNY/USD/HKD', { ...valid, currency: 'EUR' }, 'currency must be one of CNY, USD, HKD'],
    ['currency in lower case', { ...valid, currency: 'cny' }, 'currency must be one of CNY, USD, HKD'],
    ['from missing', { ...valid, from: undefined }, 'from is required'],
    ['to empty', { ...valid, to: '' }, 'to is required'],
    ['from not YYYY-MM-DD', { ...valid, from: '20261120' }, 'from must be a date YYYY-MM-DD that exists'],
    ['a day that does not exist', { ...valid, to: '2026-02-30' }, 'to must be a date YYYY-MM-DD that exists'],
    ['from after to', { ...valid, from: '2026-11-25' }, 'from (2026-11-25) must not be after to (2026-11-24)'],
    ['367 days', { ...valid, from: '2025-11-23', to: '2026-11-24' }, 'a statement covers at most 366 days; 2025-11-23..2026-11-24 is 367'],
    ['limit 0', { ...valid, limit: '0' }, 'limit must be a whole number from 1 to 500'],
    ['limit 501', { ...valid, limit: '501' }, 'limit must be a whole number from 1 to 500'],
    ['limit not a number', { ...valid, limit: '1e2' }, 'limit must be a whole number from 1 to 500'],
  ])('VALIDATION_FAILED: %s', (_what, query, detail) => {
    expect(refusal(query)).toBe(detail);
  });

  it('366 days, a whole leap year, is one statement', () => {
    expect(readStatementRequest(FUND, { ...valid, from: '2028-01-01', to: '2028-12-31' })).toMatchObject({ from: '2028-01-01', to: '2028-12-31' });
  });

  it('every defect is named at once', () => {
    expect(refusal({ from: 'x', to: '2026-11-24', limit: '0' })).toBe('currency is required; from must be a date YYYY-MM-DD that exists; limit must be a whole number from 1 to 500');
  });
});

describe('statement cursor', () => {
  const scope = { fundAccountNo: FUND, currency: 'CNY' as const, from: '2026-11-20', to: '2026-11-24' };
  const key = { asOfLineId: '9007199254740993', businessDate: '2026-11-21', lineId: '9007199254740990' };

  it('gives back the position and the instant it was issued with, beyond what a JS number holds exactly', () => {
    expect(decodeStatementCursor(encodeStatementCursor(scope, key), scope)).toEqual(key);
  });

  it.each([
    ['another fund account', { ...scope, fundAccountNo: '100000000002' }],
    ['another currency', { ...scope, currency: 'USD' as const }],
    ['another range', { ...scope, to: '2026-11-25' }],
  ])('VALIDATION_FAILED: a cursor passed with %s', (_what, other) => {
    expect(() => decodeStatementCursor(encodeStatementCursor(scope, key), other)).toThrow(expect.objectContaining({ code: 'VALIDATION_FAILED' }));
  });

  it.each([
    ['not base64 of ours', 'not-a-cursor'],
    ['empty', ''],
    ['a line id that is not a number', encodeStatementCursor(scope, { ...key, lineId: '1 OR 1=1' })],
    ['a position past its instant', encodeStatementCursor(scope, { ...key, lineId: '9007199254740994' })],
    ['a date outside the range', encodeStatementCursor(scope, { ...key, businessDate: '2026-11-25' })],
  ])('VALIDATION_FAILED: a cursor this API did not issue (%s)', (_what, cursor) => {
    expect(() => decodeStatementCursor(cursor, scope)).toThrow(expect.objectContaining({ code: 'VALIDATION_FAILED', detail: 'cursor is not one this API issued' }));
  });
});
