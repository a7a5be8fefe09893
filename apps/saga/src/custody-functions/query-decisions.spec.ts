import { Money } from '@custody/money';
import type { Completion } from '../engine/saga-flow';
import { decideQuery } from './query-decisions';

const base: Completion = { callId: '6f9619ff-8b86-4011-b42d-00c04fc964ff', bankCode: '1021000', function: 'QUERY_BANK_BALANCE', serialNo: '20261207100000000001', outcome: 'REPLIED' };
const withBalances = (c: Completion) => c.bankBalances !== undefined;
const balances = { balance: Money.parse('10.00'), available: Money.parse('10.00') };

describe('a broker query after its one call (F-3.10, F-3.11 S)', () => {
  it('F-3.10: a 0000 with the balances succeeds', () => {
    expect(decideQuery({ ...base, returnCode: '0000', bankBalances: balances }, withBalances)).toEqual({ status: 'SUCCEEDED' });
  });

  it("a refusal is BANK_REJECTED with the bank's code", () => {
    expect(decideQuery({ ...base, returnCode: '1001', returnMessage: '密码错' }, withBalances)).toEqual({
      status: 'FAILED',
      failure: { code: 'BANK_REJECTED', bankReturnCode: '1001', message: '密码错' },
    });
  });

  it('a query moves nothing: no reply is BANK_UNAVAILABLE at once, not resent nor queried', () => {
    expect(decideQuery({ ...base, outcome: 'NO_REPLY' }, withBalances)).toMatchObject({ status: 'FAILED', failure: { code: 'BANK_UNAVAILABLE' } });
    expect(decideQuery({ ...base, outcome: 'NOT_SENT', reason: 'breaker open' }, withBalances)).toEqual({ status: 'FAILED', failure: { code: 'BANK_UNAVAILABLE', message: 'breaker open' } });
  });

  it('a 0000 without what was asked is not taken for an answer', () => {
    expect(decideQuery({ ...base, returnCode: '0000' }, withBalances)).toMatchObject({ status: 'FAILED', failure: { code: 'BANK_UNAVAILABLE' } });
  });
});
