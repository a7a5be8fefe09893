import { randomUUID } from 'node:crypto';
import { uniqueFundAccountNo } from '@custody/testing';
import { TestContext, type Designated } from './support/test-context';

/**
 * Issue 10, domain.md §13 (单客户多银行): up to five fund accounts per customer and currency, each at a different
 * bank, exactly one primary; make-primary moves the role when the old primary has no unsettled trading; an auxiliary
 * takes no trading hold. Driven through the public API of the whole stack.
 */
jest.setTimeout(120_000);

const ctx = new TestContext();
const [BANK_A, BANK_B] = ctx.bankCodes;

interface Problem {
  code?: string;
  detail?: string;
}

/** A customer whose primary fund account is at bank A and an auxiliary one at bank B, each holding 1000.00. */
async function customerAtTwoBanks(): Promise<{ primary: Designated; auxiliary: Designated }> {
  const customer = await ctx.newCustomer();
  const primary = await ctx.designate(customer, await ctx.newFundAccount(customer.customerNo, 'PRIMARY'), BANK_A);
  const auxiliary = await ctx.designate(customer, await ctx.newFundAccount(customer.customerNo, 'AUXILIARY'), BANK_B);
  for (const account of [primary, auxiliary]) {
    const deposit = await ctx.banks[account.bankCode].startDeposit({ bankAccountNo: account.bankAccountNo, fundAccountNo: account.fundAccountNo, amount: '1000.00' });
    expect(deposit.body).toMatchObject({ status: 'SUCCEEDED' });
  }
  return { primary, auxiliary };
}

const openFundAccount = (customerNo: string, role: 'PRIMARY' | 'AUXILIARY', fundAccountNo = uniqueFundAccountNo()) =>
  ctx.api.call<Problem & { fundAccountNo: string; role: string }>('POST', '/v1/fund-accounts', { requestId: randomUUID(), fundAccountNo, customerNo, currency: 'CNY', role, branchId: '0001' });

const placeHold = (fundAccountNo: string, requestId = randomUUID()) =>
  ctx.api.call<Problem & { holdId: string }>('POST', `/v1/fund-accounts/${fundAccountNo}/holds`, { requestId, currency: 'CNY', amount: '100.00', reason: 'order 1' });

const makePrimary = (fundAccountNo: string, requestId = randomUUID()) =>
  ctx.api.call<Problem & { changeId: string; fundAccountNo: string; previousPrimaryFundAccountNo: string; status: string }>(
    'POST',
    `/v1/fund-accounts/${fundAccountNo}/make-primary?waitMs=15000`,
    { requestId },
  );

async function roleOf(fundAccountNo: string): Promise<string> {
  const account = await ctx.api.call<{ role: string }>('GET', `/v1/fund-accounts/${fundAccountNo}`);
  expect(account.status).toBe(200);
  return account.body.role;
}

describe('§13: a customer at several banks', () => {
  it('§13: five CNY fund accounts are opened, the sixth is refused 422 FUND_ACCOUNT_LIMIT_REACHED and not opened', async () => {
    const { customerNo } = await ctx.newCustomer();
    expect((await openFundAccount(customerNo, 'PRIMARY')).status).toBe(201);
    for (let i = 0; i < 4; i++) expect((await openFundAccount(customerNo, 'AUXILIARY')).status).toBe(201);
    const sixth = uniqueFundAccountNo();
    expect(await openFundAccount(customerNo, 'AUXILIARY', sixth)).toMatchObject({ status: 422, body: { code: 'FUND_ACCOUNT_LIMIT_REACHED' } });
    expect((await ctx.api.call('GET', `/v1/fund-accounts/${sixth}`)).status).toBe(404);
  });

  it('§13: a second PRIMARY fund account is refused 409 PRIMARY_EXISTS and not opened; GET shows each account\'s role', async () => {
    const { customerNo } = await ctx.newCustomer();
    const primary = await ctx.newFundAccount(customerNo, 'PRIMARY');
    const second = uniqueFundAccountNo();
    const refused = await openFundAccount(customerNo, 'PRIMARY', second);
    expect(refused).toMatchObject({ status: 409, body: { code: 'PRIMARY_EXISTS', detail: expect.stringContaining(primary) } });
    expect(refused.contentType).toContain('application/problem+json');
    expect((await ctx.api.call('GET', `/v1/fund-accounts/${second}`)).status).toBe(404);
    expect(await roleOf(primary)).toBe('PRIMARY');
  });

  it('§13: a second fund account of the customer at the same bank is refused 422 BANK_ALREADY_USED', async () => {
    const { primary } = await customerAtTwoBanks();
    const third = await ctx.newFundAccount(primary.customerNo, 'AUXILIARY');
    const refused = await ctx.api.call<Problem>('POST', '/v1/custody/designations?waitMs=15000', {
      requestId: randomUUID(), fundAccountNo: third, currency: 'CNY', bankCode: BANK_A, bankAccountNo: '6222000000000099', bankPassword: '135790',
    });
    expect(refused).toMatchObject({ status: 422, body: { code: 'BANK_ALREADY_USED', detail: expect.stringContaining(primary.fundAccountNo) } });
  });

  it('§13: make-primary is refused PRIMARY_CHANGE_REFUSED while the old primary holds a trading hold, and moves the role once it is released', async () => {
    const { primary, auxiliary } = await customerAtTwoBanks();
    const hold = await placeHold(primary.fundAccountNo);
    expect(hold.status).toBe(201);

    const refusedRequest = randomUUID();
    const refused = await makePrimary(auxiliary.fundAccountNo, refusedRequest);
    expect(refused).toMatchObject({ status: 409, body: { code: 'PRIMARY_CHANGE_REFUSED', detail: expect.stringContaining(`${primary.fundAccountNo} has unsettled trading`) } });
    expect([await roleOf(primary.fundAccountNo), await roleOf(auxiliary.fundAccountNo)]).toEqual(['PRIMARY', 'AUXILIARY']);
    // The refusal was the first result of that request: its repeat gets it again, even once nothing holds any more.
    expect((await ctx.api.call('DELETE', `/v1/holds/${hold.body.holdId}`)).status).toBe(204);
    expect(await makePrimary(auxiliary.fundAccountNo, refusedRequest)).toEqual(refused);

    const accepted = await makePrimary(auxiliary.fundAccountNo);
    expect(accepted).toMatchObject({
      status: 200,
      body: { fundAccountNo: auxiliary.fundAccountNo, customerNo: auxiliary.customerNo, previousPrimaryFundAccountNo: primary.fundAccountNo, status: 'APPLIED' },
    });
    expect([await roleOf(primary.fundAccountNo), await roleOf(auxiliary.fundAccountNo)]).toEqual(['AUXILIARY', 'PRIMARY']);
  });

  it('§13: after make-primary the new auxiliary takes no trading hold (AUXILIARY_HOLD_FORBIDDEN, nothing held) and the new primary does', async () => {
    const { primary, auxiliary } = await customerAtTwoBanks();
    expect(await placeHold(auxiliary.fundAccountNo)).toMatchObject({ status: 422, body: { code: 'AUXILIARY_HOLD_FORBIDDEN' } });
    expect((await makePrimary(auxiliary.fundAccountNo)).status).toBe(200);

    const before = await ctx.balances(primary.fundAccountNo);
    const refused = await placeHold(primary.fundAccountNo);
    expect(refused).toMatchObject({ status: 422, body: { code: 'AUXILIARY_HOLD_FORBIDDEN', detail: expect.stringContaining(primary.fundAccountNo) } });
    expect(await ctx.balances(primary.fundAccountNo)).toEqual(before);
    expect(before).toMatchObject({ available: '1000.00' });

    expect(await placeHold(auxiliary.fundAccountNo)).toMatchObject({ status: 201, body: { holdId: expect.any(String) } });
    expect(await ctx.balances(auxiliary.fundAccountNo)).toMatchObject({ balance: '1000.00', available: '900.00' });
  });

  it('api.md: a repeat of make-primary with its requestId returns the first result; the requestId on another account is 409 IDEMPOTENCY_KEY_REUSED', async () => {
    const { primary, auxiliary } = await customerAtTwoBanks();
    const requestId = randomUUID();
    const first = await makePrimary(auxiliary.fundAccountNo, requestId);
    expect(first).toMatchObject({ status: 200, body: { status: 'APPLIED' } });
    // Moved back by another request meanwhile: the repeat still answers what the first got, and changes nothing.
    expect((await makePrimary(primary.fundAccountNo)).status).toBe(200);
    expect(await makePrimary(auxiliary.fundAccountNo, requestId)).toEqual(first);
    expect([await roleOf(primary.fundAccountNo), await roleOf(auxiliary.fundAccountNo)]).toEqual(['PRIMARY', 'AUXILIARY']);
    expect(await makePrimary(primary.fundAccountNo, requestId)).toMatchObject({ status: 409, body: { code: 'IDEMPOTENCY_KEY_REUSED' } });
  });

  it('§13: make-primary of the primary answers 200 with itself as the previous primary, changing nothing; of an unknown account 404 NOT_FOUND', async () => {
    const { customerNo } = await ctx.newCustomer();
    const primary = await ctx.newFundAccount(customerNo, 'PRIMARY');
    expect(await makePrimary(primary)).toMatchObject({ status: 200, body: { fundAccountNo: primary, previousPrimaryFundAccountNo: primary, status: 'APPLIED' } });
    expect(await roleOf(primary)).toBe('PRIMARY');
    expect(await makePrimary(uniqueFundAccountNo())).toMatchObject({ status: 404, body: { code: 'NOT_FOUND' } });
  });

  it('OpenAPI: the fund account endpoints name the §13 codes', async () => {
    type Responses = Record<string, { description: string }>;
    const doc = await ctx.api.call<{ paths: Record<string, { post?: { responses: Responses } }> }>('GET', '/v1/openapi.json', undefined, null);
    expect(doc.body.paths['/v1/fund-accounts'].post!.responses['422'].description).toContain('FUND_ACCOUNT_LIMIT_REACHED');
    expect(doc.body.paths['/v1/fund-accounts'].post!.responses['409'].description).toContain('PRIMARY_EXISTS');
    expect(doc.body.paths['/v1/fund-accounts/{fundAccountNo}/make-primary'].post!.responses['409'].description).toContain('PRIMARY_CHANGE_REFUSED');
    expect(doc.body.paths['/v1/custody/designations'].post!.responses['422'].description).toContain('BANK_ALREADY_USED');
    expect(doc.body.paths['/v1/fund-accounts/{fundAccountNo}/holds'].post!.responses['422'].description).toContain('AUXILIARY_HOLD_FORBIDDEN');
  });
});
