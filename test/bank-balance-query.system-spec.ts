import { randomUUID } from 'node:crypto';
import { TestContext } from './support/test-context';

/**
 * F-3.10 S (domain.md §3, bank-protocol.md §4.1): the customer asks, through the broker, the balance of the bank
 * settlement account linked to a fund account, with the bank password (11009, `Type` 0); the bank answers `BkBal`
 * Type 0 (balance) and 1 (available). A query moves nothing on either side.
 */
jest.setTimeout(90_000);

const ctx = new TestContext();
const bankA = () => ctx.banks[ctx.bankCodes[0]];

const ask = (body: Record<string, unknown>) => ctx.api.call<Record<string, string>>('POST', '/v1/custody/bank-balance-queries', body);

describe('F-3.10 S: the broker asks the bank settlement account balance (11009)', () => {
  it('profile §4.1: the right bank password gets the bank account balance and available balance; nothing moves', async () => {
    const d = await ctx.newDesignation(ctx.bankCodes[0], '8250.50');
    const before = await ctx.balances(d.fundAccountNo);

    const answer = await ask({ requestId: randomUUID(), fundAccountNo: d.fundAccountNo, currency: 'CNY', bankPassword: d.bankPassword });
    expect(answer.status).toBe(200);
    expect(answer.body).toEqual({ balance: '8250.50', available: '8250.50' });
    expect(await bankA().bankBalance(d.bankAccountNo)).toBe('8250.50');
    expect(await ctx.balances(d.fundAccountNo)).toEqual(before);
  });

  it('api.md: a repeated requestId gets the first answer, a new one asks the bank again', async () => {
    const d = await ctx.newDesignation(ctx.bankCodes[0], '500.00');
    const requestId = randomUUID();
    const first = await ask({ requestId, fundAccountNo: d.fundAccountNo, currency: 'CNY', bankPassword: d.bankPassword });
    expect(first.body).toEqual({ balance: '500.00', available: '500.00' });

    const deposit = await ctx.transfer({ type: 'BANK_TO_SECURITIES', fundAccountNo: d.fundAccountNo, amount: '120.00', bankPassword: d.bankPassword });
    expect(deposit.body.status).toBe('SUCCEEDED');

    const repeat = await ask({ requestId, fundAccountNo: d.fundAccountNo, currency: 'CNY', bankPassword: d.bankPassword });
    expect(repeat.status).toBe(200);
    expect(repeat.body).toEqual(first.body);
    const fresh = await ask({ requestId: randomUUID(), fundAccountNo: d.fundAccountNo, currency: 'CNY', bankPassword: d.bankPassword });
    expect(fresh.body).toEqual({ balance: '380.00', available: '380.00' });
  });

  it('a wrong bank password is the bank’s refusal, BANK_REJECTED with its 1001', async () => {
    const d = await ctx.newDesignation();
    const answer = await ask({ requestId: randomUUID(), fundAccountNo: d.fundAccountNo, currency: 'CNY', bankPassword: '999999' });
    expect(answer.status).toBe(422);
    expect(answer.body).toMatchObject({ code: 'BANK_REJECTED', bankReturnCode: '1001', bankCode: d.bankCode });
  });

  it('a fund account with no designated bank account is RELATIONSHIP_NOT_ACTIVE, an unknown one NOT_FOUND, and nothing reaches the bank', async () => {
    const customer = await ctx.newCustomer();
    const fundAccountNo = await ctx.newFundAccount(customer.customerNo);
    const undesignated = await ask({ requestId: randomUUID(), fundAccountNo, currency: 'CNY', bankPassword: '123456' });
    expect(undesignated.status).toBe(422);
    expect(undesignated.body.code).toBe('RELATIONSHIP_NOT_ACTIVE');
    const unknown = await ask({ requestId: randomUUID(), fundAccountNo: '99999999999999', currency: 'CNY', bankPassword: '123456' });
    expect(unknown.status).toBe(404);
    expect(unknown.body.code).toBe('NOT_FOUND');
  });

  it('bad input is VALIDATION_FAILED: a password that is not 4–12 digits, a currency the hub does not keep', async () => {
    const d = await ctx.newDesignation();
    const letters = await ask({ requestId: randomUUID(), fundAccountNo: d.fundAccountNo, currency: 'CNY', bankPassword: 'abc' });
    expect(letters.status).toBe(400);
    expect(letters.body.code).toBe('VALIDATION_FAILED');
    const currency = await ask({ requestId: randomUUID(), fundAccountNo: d.fundAccountNo, currency: 'EUR', bankPassword: d.bankPassword });
    expect(currency.status).toBe(400);
  });
});
