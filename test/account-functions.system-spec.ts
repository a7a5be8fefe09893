import { randomUUID } from 'node:crypto';
import { TestContext } from './support/test-context';

/**
 * Issue 10: the account functions (domain.md §3) end to end — public API → account → Kafka → saga → bank adapter →
 * JR/T 0046 over TCP → bank simulator, and back. Real PostgreSQL, Redis and Kafka.
 */
jest.setTimeout(60_000);

const ctx = new TestContext();
const bankA = () => ctx.banks[ctx.bankCodes[0]];

interface RelationshipBody {
  fundAccountNo: string;
  currency: string;
  bankCode: string;
  bankAccountNo?: string;
  custodyAccountNo?: string;
  status: string;
}

function preDesignate(fundAccountNo: string, requestId: string = randomUUID(), bankCode = ctx.bankCodes[0]) {
  return ctx.api.call<RelationshipBody>('POST', '/v1/custody/pre-designations?waitMs=15000', { requestId, fundAccountNo, currency: 'CNY', bankCode });
}

async function newFundAccount(): Promise<string> {
  const customer = await ctx.newCustomer('李四');
  return ctx.newFundAccount(customer.customerNo);
}

describe('F-3.1 pre-designation (11002, securities-initiated)', () => {
  it('F-3.1: the bank opens a custody account with the opening balance; the relationship is PRE_DESIGNATED, with no bank account', async () => {
    const fundAccountNo = await newFundAccount();

    const result = await preDesignate(fundAccountNo);

    expect(result.status).toBe(201);
    expect(result.body).toMatchObject({ fundAccountNo, currency: 'CNY', bankCode: ctx.bankCodes[0], status: 'PRE_DESIGNATED' });
    expect(result.body.bankAccountNo).toBeUndefined();
    const custodyAccountNo = result.body.custodyAccountNo;
    expect(custodyAccountNo).toEqual(expect.any(String));
    expect(await bankA().custodyAccount(fundAccountNo)).toMatchObject({ custodyAccountNo, balance: '0.00' });
    const account = await ctx.api.call<{ relationships: RelationshipBody[] }>('GET', `/v1/fund-accounts/${fundAccountNo}`);
    expect(account.body.relationships).toEqual([expect.objectContaining({ status: 'PRE_DESIGNATED', bankCode: ctx.bankCodes[0], custodyAccountNo })]);
  });

  it('F-3.1: a pre-designated fund account may not transfer until confirmed (RELATIONSHIP_NOT_ACTIVE), and nothing is created', async () => {
    const fundAccountNo = await newFundAccount();
    expect((await preDesignate(fundAccountNo)).body.status).toBe('PRE_DESIGNATED');

    const refused = await ctx.transfer({ type: 'BANK_TO_SECURITIES', fundAccountNo, amount: '10.00', bankPassword: '135790' });

    expect(refused.status).toBe(422);
    expect(refused.body).toMatchObject({ code: 'RELATIONSHIP_NOT_ACTIVE' });
    expect(JSON.stringify(refused.body)).toContain('pre-designated');
    const transfers = await ctx.api.call<{ items: unknown[] }>('GET', `/v1/transfers?fundAccountNo=${fundAccountNo}`);
    expect(transfers.status).toBe(200);
    expect(transfers.body.items).toEqual([]);
    expect(await ctx.balances(fundAccountNo)).toMatchObject({ balance: '0.00' });
  });

  it('F-3.1, profile §4.1: a designation (11001) of a pre-designated fund account is refused RELATIONSHIP_EXISTS — only the bank confirms it', async () => {
    const fundAccountNo = await newFundAccount();
    const custodyAccountNo = (await preDesignate(fundAccountNo)).body.custodyAccountNo;

    const refused = await ctx.api.call('POST', '/v1/custody/designations?waitMs=15000', {
      requestId: randomUUID(),
      fundAccountNo,
      currency: 'CNY',
      bankCode: ctx.bankCodes[0],
      bankAccountNo: `62${Date.now()}1`,
      bankPassword: '135790',
    });

    expect(refused.status).toBe(409);
    expect(refused.body).toMatchObject({ code: 'RELATIONSHIP_EXISTS' });
    expect(await bankA().custodyAccount(fundAccountNo)).toMatchObject({ custodyAccountNo });
  });

  it('I6: the same requestId again returns the first relationship and opens nothing more at the bank', async () => {
    const fundAccountNo = await newFundAccount();
    const requestId = randomUUID();
    const first = await preDesignate(fundAccountNo, requestId);

    const again = await preDesignate(fundAccountNo, requestId);

    expect(again.status).toBe(201);
    expect(again.body).toEqual(first.body);
    expect(await bankA().custodyAccount(fundAccountNo)).toMatchObject({ custodyAccountNo: first.body.custodyAccountNo });
  });

  it('bad input changes nothing: an unknown fund account, an unknown bank, a malformed bank code', async () => {
    const fundAccountNo = await newFundAccount();
    const unknownAccount = await preDesignate('99999999999999');
    expect(unknownAccount.status).toBe(404);
    expect(unknownAccount.body).toMatchObject({ code: 'NOT_FOUND' });
    const unknownBank = await preDesignate(fundAccountNo, randomUUID(), '9999999');
    expect(unknownBank.body).toMatchObject({ code: 'UNKNOWN_BANK' });
    const malformed = await preDesignate(fundAccountNo, randomUUID(), '12AB');
    expect(malformed.status).toBe(400);
    expect(malformed.body).toMatchObject({ code: 'VALIDATION_FAILED' });
    expect(await bankA().custodyAccount(fundAccountNo)).toBeUndefined();
    const account = await ctx.api.call<{ relationships: RelationshipBody[] }>('GET', `/v1/fund-accounts/${fundAccountNo}`);
    expect(account.body.relationships).toEqual([]);
  });
});
