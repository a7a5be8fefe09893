import { randomUUID } from 'node:crypto';
import { TestContext, type Designated } from './support/test-context';

/**
 * Issue 7 item 7: `fundPassword` on `POST /v1/transfers` is verified by the real account service when present —
 * sent there as a PIN block under its key, never in clear — and nothing is created unless it matched.
 */
jest.setTimeout(90_000);

const ctx = new TestContext();
const RIGHT = '246810';
const WRONG = '135799';

const customerWithFunds = (): Promise<Designated> => ctx.newDesignationWithFunds(RIGHT);

async function withdrawalsOf(fundAccountNo: string) {
  const page = await ctx.api.call<{ items: Array<{ type: string }> }>('GET', `/v1/transfers?fundAccountNo=${fundAccountNo}`);
  return page.body.items.filter((t) => t.type !== 'BANK_TO_SECURITIES');
}

describe('item 7: fundPassword on POST /v1/transfers is verified when present, never ignored', () => {
  let d: Designated;
  beforeAll(async () => {
    d = await customerWithFunds();
  });

  it('a wrong fundPassword is 422 FUND_PASSWORD_INVALID and nothing is created: no transfer, no hold, no replayable success', async () => {
    const before = await ctx.balances(d.fundAccountNo);
    const body = { requestId: randomUUID(), type: 'SECURITIES_TO_BANK', fundAccountNo: d.fundAccountNo, amount: '100.00', fundPassword: WRONG };
    const refused = await ctx.transfer(body);
    expect(refused).toMatchObject({ status: 422, body: { code: 'FUND_PASSWORD_INVALID' } });
    expect(JSON.stringify(refused.body)).not.toContain(WRONG);
    expect(await ctx.balances(d.fundAccountNo)).toEqual(before);
    expect(await withdrawalsOf(d.fundAccountNo)).toEqual([]);
    // Its repeat is refused the same way (no idempotency key of a success was stored to replay).
    expect(await ctx.transfer(body)).toMatchObject({ status: 422, body: { code: 'FUND_PASSWORD_INVALID' } });
    expect(await withdrawalsOf(d.fundAccountNo)).toEqual([]);
  });

  it('the right fundPassword lets the transfer through, and its repeat replays the same transfer', async () => {
    const body = { requestId: randomUUID(), type: 'SECURITIES_TO_BANK', fundAccountNo: d.fundAccountNo, amount: '100.00', fundPassword: RIGHT };
    const first = await ctx.transfer(body);
    expect(first).toMatchObject({ status: 201, body: { status: 'SUCCEEDED', amount: '100.00' } });
    const repeat = await ctx.transfer(body);
    expect(repeat.body.transferId).toBe(first.body.transferId);
    expect(await withdrawalsOf(d.fundAccountNo)).toHaveLength(1);
  });

  it('another fundPassword under a requestId already used is 409 IDEMPOTENCY_KEY_REUSED', async () => {
    const requestId = randomUUID();
    const base = { requestId, type: 'SECURITIES_TO_BANK', fundAccountNo: d.fundAccountNo, amount: '1.00' };
    expect(await ctx.transfer({ ...base, fundPassword: WRONG })).toMatchObject({ status: 422, body: { code: 'FUND_PASSWORD_INVALID' } });
    expect(await ctx.transfer({ ...base, fundPassword: RIGHT })).toMatchObject({ status: 409, body: { code: 'IDEMPOTENCY_KEY_REUSED' } });
  });

  it('an INTERNAL transfer with a wrong fundPassword is refused before anything else is looked at', async () => {
    const refused = await ctx.transfer({ type: 'INTERNAL', fundAccountNo: d.fundAccountNo, counterpartFundAccountNo: '999999999999', amount: '1.00', fundPassword: WRONG });
    expect(refused).toMatchObject({ status: 422, body: { code: 'FUND_PASSWORD_INVALID' } });
  });

  it('lockout: a repeat of one request counts once; five wrong requests in a row lock it (FUND_PASSWORD_LOCKED, even for the right password) until it is set again', async () => {
    const e = await customerWithFunds();
    const wrong = (requestId = randomUUID()) => ctx.transfer({ requestId, type: 'SECURITIES_TO_BANK', fundAccountNo: e.fundAccountNo, amount: '10.00', fundPassword: WRONG });
    const repeated = randomUUID();
    expect((await wrong(repeated)).body.code).toBe('FUND_PASSWORD_INVALID');
    expect((await wrong(repeated)).body.code).toBe('FUND_PASSWORD_INVALID');
    // Three more make four wrong requests: had the repeat counted, the third would already lock it.
    for (let i = 0; i < 3; i++) expect((await wrong()).body.code).toBe('FUND_PASSWORD_INVALID');
    expect(await wrong()).toMatchObject({ status: 422, body: { code: 'FUND_PASSWORD_LOCKED' } });
    const right = { type: 'SECURITIES_TO_BANK', fundAccountNo: e.fundAccountNo, amount: '10.00', fundPassword: RIGHT };
    expect((await ctx.transfer(right)).body.code).toBe('FUND_PASSWORD_LOCKED');
    expect(await withdrawalsOf(e.fundAccountNo)).toEqual([]);

    expect((await ctx.api.call('PUT', `/v1/customers/${e.customerNo}/fund-password`, { password: RIGHT })).status).toBe(204);
    expect(await ctx.transfer(right)).toMatchObject({ status: 201, body: { status: 'SUCCEEDED' } });
  });

  it('the account service down: 503 FUND_PASSWORD_UNVERIFIABLE and nothing is created; a transfer without fundPassword still goes through', async () => {
    const before = await ctx.balances(d.fundAccountNo);
    const withdrawalsBefore = (await withdrawalsOf(d.fundAccountNo)).length;
    await ctx.stack.kill('account');
    try {
      const refused = await ctx.transfer({ type: 'SECURITIES_TO_BANK', fundAccountNo: d.fundAccountNo, amount: '5.00', fundPassword: RIGHT });
      expect(refused).toMatchObject({ status: 503, body: { code: 'FUND_PASSWORD_UNVERIFIABLE' } });
      expect(await ctx.balances(d.fundAccountNo)).toEqual(before);
      expect(await withdrawalsOf(d.fundAccountNo)).toHaveLength(withdrawalsBefore);
      expect(await ctx.transfer({ type: 'SECURITIES_TO_BANK', fundAccountNo: d.fundAccountNo, amount: '5.00' })).toMatchObject({ status: 201, body: { status: 'SUCCEEDED' } });
    } finally {
      await ctx.stack.restart('account');
    }
  });

  it('OpenAPI: POST /v1/transfers names the fund password codes', async () => {
    const doc = await ctx.api.call<{ paths: Record<string, { post?: { responses: Record<string, { description: string }> } }> }>('GET', '/v1/openapi.json', undefined, null);
    const responses = doc.body.paths['/v1/transfers'].post!.responses;
    expect(responses['422'].description).toMatch(/FUND_PASSWORD_INVALID.*FUND_PASSWORD_LOCKED.*FUND_PASSWORD_NOT_SET/);
    expect(responses['503'].description).toContain('FUND_PASSWORD_UNVERIFIABLE');
  });
});
