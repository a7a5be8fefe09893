import { randomUUID } from 'node:crypto';
import { minus, TestContext, type Designated } from './support/test-context';

/**
 * Issue 2's proof that money moves through every layer: public API → account/transfer → Kafka → saga →
 * bank adapter → bank protocol over TCP → bank simulator, and back. Real PostgreSQL, Redis and Kafka.
 */
jest.setTimeout(60_000);

const ctx = new TestContext();
const bankA = () => ctx.banks[ctx.bankCodes[0]];

describe('custody relationship', () => {
  it('F-3.3 S: a customer with a fund account designates bank A; the bank shows the custody account', async () => {
    const d = await ctx.newDesignation();
    const custody = await bankA().custodyAccount(d.fundAccountNo);
    expect(custody).toMatchObject({ custodyAccountNo: d.custodyAccountNo, bankAccountNo: d.bankAccountNo, balance: '0.00' });
    const account = await ctx.api.call<{ relationships: Array<{ status: string; bankCode: string }> }>('GET', `/v1/fund-accounts/${d.fundAccountNo}`);
    expect(account.body.relationships).toEqual([expect.objectContaining({ status: 'DESIGNATED', bankCode: d.bankCode, custodyAccountNo: d.custodyAccountNo })]);
  });

  it('F-3.3: the bank refusing a wrong bank password designates nothing and says why', async () => {
    const customer = await ctx.newCustomer();
    const fundAccountNo = await ctx.newFundAccount(customer.customerNo);
    const bankAccountNo = `62${Date.now()}0`;
    await bankA().openBankAccount({ bankAccountNo, name: customer.name, idType: '10', idNumber: customer.idNumber, password: '111111', balance: '1.00' });
    const result = await ctx.api.call('POST', '/v1/custody/designations', {
      requestId: randomUUID(),
      fundAccountNo,
      currency: 'CNY',
      bankCode: ctx.bankCodes[0],
      bankAccountNo,
      bankPassword: '222222',
    });
    expect(result.status).toBe(422);
    expect(result.body).toMatchObject({ code: 'BANK_REJECTED', bankCode: ctx.bankCodes[0], bankReturnCode: '1001' });
    expect(await bankA().custodyAccount(fundAccountNo)).toBeUndefined();
  });
});

describe('transfers', () => {
  let d: Designated;
  beforeAll(async () => {
    d = await ctx.newDesignation(ctx.bankCodes[0], '5000.00');
  });

  it('F-4.1 S and F-4.2 S: 1000.00 in, 300.00 out; ledger, custody account, bank account and summary all agree', async () => {
    const summaryBefore = (await bankA().books()).summary.CNY;
    const deposit = await ctx.transfer({ type: 'BANK_TO_SECURITIES', fundAccountNo: d.fundAccountNo, amount: '1000.00', bankPassword: d.bankPassword });
    expect(deposit.status).toBe(201);
    expect(deposit.body).toMatchObject({ status: 'SUCCEEDED', amount: '1000.00', bankCode: d.bankCode });
    const withdrawal = await ctx.transfer({ type: 'SECURITIES_TO_BANK', fundAccountNo: d.fundAccountNo, amount: '300.00' });
    expect(withdrawal.body).toMatchObject({ status: 'SUCCEEDED', amount: '300.00' });

    expect(await ctx.balances(d.fundAccountNo)).toMatchObject({ balance: '700.00', available: '700.00', withdrawable: '700.00', frozen: '0.00' });
    expect((await bankA().custodyAccount(d.fundAccountNo)).balance).toBe('700.00');
    expect(await bankA().bankBalance(d.bankAccountNo)).toBe('4300.00');
    const summaryAfter = (await bankA().books()).summary.CNY;
    expect(minus(summaryAfter, summaryBefore)).toBe('700.00');
  });

  it('F-4.1 B: a bank-initiated deposit of 250.00 lands in the ledger', async () => {
    const before = await ctx.balances(d.fundAccountNo);
    const result = await bankA().startDeposit({ bankAccountNo: d.bankAccountNo, fundAccountNo: d.fundAccountNo, amount: '250.00' });
    expect(result.body).toMatchObject({ status: 'SUCCEEDED', returnCode: '0000' });
    const after = await ctx.balances(d.fundAccountNo);
    expect(minus(after.balance, before.balance)).toBe('250.00');
    expect((await bankA().custodyAccount(d.fundAccountNo)).balance).toBe(after.balance);
  });

  it('F-4.6 B: the bank asking about its deposit hears 0000 and our serial of it; about a serial we never saw, 2027', async () => {
    const deposit = await bankA().startDeposit({ bankAccountNo: d.bankAccountNo, fundAccountNo: d.fundAccountNo, amount: '20.00' });
    expect(deposit.body).toMatchObject({ status: 'SUCCEEDED' });
    const ourReply = (await bankA().transaction(deposit.body.serialNo)).body.counterpartSerialNo;
    expect(ourReply).toMatch(/^\d{20}$/);
    expect((await bankA().queryBankInitiated(deposit.body.serialNo)).body).toMatchObject({ status: 'ANSWERED', returnCode: '0000', originalReturnCode: '0000', brokerSerialNo: ourReply });
    const neverSent = await bankA().queryBankInitiated(`B${Date.now()}`);
    expect(neverSent.body).toMatchObject({ status: 'ANSWERED', returnCode: '0000', originalReturnCode: '2027' });
    expect(neverSent.body.brokerSerialNo).toBeUndefined();
  });

  it('F-4.2 B: a withdrawal the customer starts at the bank moves money with the right fund password; a wrong one is refused 2001 and moves nothing', async () => {
    expect((await ctx.api.call('PUT', `/v1/customers/${d.customerNo}/fund-password`, { password: '246810' })).status).toBe(204);
    const withdraw = (fundPassword: string) =>
      bankA().startBankInitiated({ type: 'SECURITIES_TO_BANK', bankAccountNo: d.bankAccountNo, fundAccountNo: d.fundAccountNo, amount: '120.00', fundPassword });
    const before = await ctx.balances(d.fundAccountNo);
    expect((await withdraw('135799')).body).toMatchObject({ status: 'FAILED', returnCode: '2001' });
    expect(await ctx.balances(d.fundAccountNo)).toEqual(before);

    expect((await withdraw('246810')).body).toMatchObject({ status: 'SUCCEEDED', returnCode: '0000' });
    const after = await ctx.balances(d.fundAccountNo);
    expect(minus(before.balance, after.balance)).toBe('120.00');
    expect((await bankA().custodyAccount(d.fundAccountNo)).balance).toBe(after.balance);
  });

  it('F-4.5 B and I6: the bank re-sending a withdrawal refused for a wrong fund password gets the first answer, and the wrong password counts once toward the lockout', async () => {
    const e = await ctx.newDesignation(ctx.bankCodes[0], '500.00');
    expect((await bankA().startDeposit({ bankAccountNo: e.bankAccountNo, fundAccountNo: e.fundAccountNo, amount: '100.00' })).body).toMatchObject({ status: 'SUCCEEDED' });
    expect((await ctx.api.call('PUT', `/v1/customers/${e.customerNo}/fund-password`, { password: '246810' })).status).toBe(204);
    const withdraw = (fundPassword: string) =>
      bankA().startBankInitiated({ type: 'SECURITIES_TO_BANK', bankAccountNo: e.bankAccountNo, fundAccountNo: e.fundAccountNo, amount: '10.00', fundPassword });

    const wrong = await withdraw('135799');
    expect(wrong.body).toMatchObject({ status: 'FAILED', returnCode: '2001' });
    expect((await bankA().resendBankInitiated(wrong.body.serialNo, '135799')).body).toMatchObject({ status: 'FAILED', returnCode: '2001' });
    // Three more wrong passwords make four in a row, one short of the lockout: had the resend counted, this would be five.
    for (let i = 0; i < 3; i++) expect((await withdraw('135799')).body).toMatchObject({ status: 'FAILED', returnCode: '2001' });
    expect((await withdraw('246810')).body).toMatchObject({ status: 'SUCCEEDED', returnCode: '0000' });
    expect(await ctx.balances(e.fundAccountNo)).toMatchObject({ balance: '90.00' });
  });

  it('F-4.2 S UNKNOWN: the bank processes the withdrawal but its reply is lost; the hold stays until the query proves success', async () => {
    const before = await ctx.balances(d.fundAccountNo);
    // The first query's reply is lost too, so the transfer stays UNKNOWN long enough to look at it.
    await bankA().injectFault({ kind: 'DROP_REPLY', instrCd: '12002', times: 1 });
    await bankA().injectFault({ kind: 'DROP_REPLY', instrCd: '12005', times: 1 });
    const first = await ctx.transfer({ type: 'SECURITIES_TO_BANK', fundAccountNo: d.fundAccountNo, amount: '100.00' }, 500);
    const transferUrl = `/v1/transfers/${first.body.transferId}`;
    const unknown = await ctx.eventually(() => ctx.api.call<{ status: string; unknownSince?: string }>('GET', transferUrl), (r) => r.body.status !== 'PENDING');
    expect(unknown.body.status).toBe('UNKNOWN');
    expect(unknown.body.unknownSince).toEqual(expect.any(String));
    // While UNKNOWN the held amount is neither available nor released (never a guess), and operators see it.
    expect(await ctx.balances(d.fundAccountNo)).toMatchObject({ balance: before.balance, frozen: '100.00' });
    const open = await ctx.api.call<{ items: Array<{ transferId: string }> }>('GET', '/v1/transfers?status=UNKNOWN', undefined, 'operator');
    expect(open.body.items.map((t) => t.transferId)).toContain(first.body.transferId);

    const settled = await ctx.eventually(() => ctx.api.call<{ status: string; attempts: string[] }>('GET', transferUrl), (r) => r.body.status === 'SUCCEEDED', 30_000);
    expect(settled.body.status).toBe('SUCCEEDED');
    expect(settled.body.attempts).toEqual(['original #1: no reply within requestTimeoutMs', 'query #2: no reply within requestTimeoutMs', 'query #3: bank reports success']);
    const after = await ctx.balances(d.fundAccountNo);
    expect(after.frozen).toBe('0.00');
    expect(minus(before.balance, after.balance)).toBe('100.00');
    expect((await bankA().custodyAccount(d.fundAccountNo)).balance).toBe(after.balance);
  });

  it('F-4.5: the request is lost before the bank; the query finds nothing and the resend moves the money once', async () => {
    const before = await ctx.balances(d.fundAccountNo);
    const bankBefore = await bankA().bankBalance(d.bankAccountNo);
    await bankA().injectFault({ kind: 'DROP_REQUEST', instrCd: '12002', times: 1 });
    const first = await ctx.transfer({ type: 'SECURITIES_TO_BANK', fundAccountNo: d.fundAccountNo, amount: '50.00' }, 500);
    const settled = await ctx.eventually(() => ctx.api.call<{ status: string; attempts: string[]; serialNo: string }>('GET', `/v1/transfers/${first.body.transferId}`), (r) => r.body.status === 'SUCCEEDED', 30_000);
    expect(settled.body.status).toBe('SUCCEEDED');
    // The lost replies just before may have opened the breaker: queries refused unsent in between prove nothing either way.
    expect(settled.body.attempts[0]).toBe('original #1: no reply within requestTimeoutMs');
    expect(settled.body.attempts.at(-1)).toMatch(/^query #\d+: bank never saw the original; resending it$/);
    expect((await bankA().transaction(settled.body.serialNo)).body).toMatchObject({ status: 'SUCCEEDED', returnCode: '0000' });
    const after = await ctx.balances(d.fundAccountNo);
    expect(minus(before.balance, after.balance)).toBe('50.00');
    expect(minus(await bankA().bankBalance(d.bankAccountNo), bankBefore)).toBe('50.00');
    expect(after.frozen).toBe('0.00');
    expect((await bankA().custodyAccount(d.fundAccountNo)).balance).toBe(after.balance);
  });

  it('a repeated requestId returns the first result and moves money once (I6)', async () => {
    const before = await ctx.balances(d.fundAccountNo);
    const body = { requestId: randomUUID(), type: 'SECURITIES_TO_BANK', fundAccountNo: d.fundAccountNo, currency: 'CNY', amount: '10.00' };
    const first = await ctx.api.call<{ transferId: string; status: string }>('POST', '/v1/transfers?waitMs=15000', body);
    const again = await ctx.api.call<{ transferId: string; status: string }>('POST', '/v1/transfers?waitMs=15000', body);
    expect(first.status).toBe(201);
    expect(again.status).toBe(201);
    expect(again.body.transferId).toBe(first.body.transferId);
    expect(again.body.status).toBe(first.body.status);
    const after = await ctx.balances(d.fundAccountNo);
    expect(minus(before.balance, after.balance)).toBe('10.00');
  });
});

describe('trading holds', () => {
  it('a hold reserves cash: neither available nor withdrawable until released; releasing twice is harmless', async () => {
    const d = await ctx.newDesignation(ctx.bankCodes[0], '1000.00');
    await ctx.transfer({ type: 'BANK_TO_SECURITIES', fundAccountNo: d.fundAccountNo, amount: '500.00', bankPassword: d.bankPassword });
    const body = { requestId: randomUUID(), currency: 'CNY', amount: '400.00', reason: 'order 42' };
    const hold = await ctx.api.call<{ holdId: string }>('POST', `/v1/fund-accounts/${d.fundAccountNo}/holds`, body);
    expect(hold.status).toBe(201);
    const again = await ctx.api.call<{ holdId: string }>('POST', `/v1/fund-accounts/${d.fundAccountNo}/holds`, body);
    expect(again.body.holdId).toBe(hold.body.holdId);
    expect(await ctx.balances(d.fundAccountNo)).toMatchObject({ balance: '500.00', available: '100.00', withdrawable: '100.00', frozen: '400.00' });

    const refused = await ctx.transfer({ type: 'SECURITIES_TO_BANK', fundAccountNo: d.fundAccountNo, amount: '100.01' });
    expect(refused.body).toMatchObject({ status: 422, code: 'INSUFFICIENT_WITHDRAWABLE' });
    const tooBig = await ctx.api.call('POST', `/v1/fund-accounts/${d.fundAccountNo}/holds`, { requestId: randomUUID(), currency: 'CNY', amount: '100.01', reason: 'order 43' });
    expect(tooBig.body).toMatchObject({ status: 422, code: 'INSUFFICIENT_WITHDRAWABLE' });

    expect((await ctx.api.call('DELETE', `/v1/holds/${hold.body.holdId}`)).status).toBe(204);
    expect((await ctx.api.call('DELETE', `/v1/holds/${hold.body.holdId}`)).status).toBe(204);
    expect(await ctx.balances(d.fundAccountNo)).toMatchObject({ balance: '500.00', available: '500.00', frozen: '0.00' });
    expect((await ctx.api.call('DELETE', `/v1/holds/${randomUUID()}`)).body).toMatchObject({ status: 404, code: 'NOT_FOUND' });
  });
});

describe('bad input changes nothing and gets a precise error', () => {
  let d: Designated;
  let notDesignated: string;
  beforeAll(async () => {
    d = await ctx.newDesignation(ctx.bankCodes[0], '1000.00');
    await ctx.transfer({ type: 'BANK_TO_SECURITIES', fundAccountNo: d.fundAccountNo, amount: '100.00', bankPassword: d.bankPassword });
    const customer = await ctx.newCustomer();
    notDesignated = await ctx.newFundAccount(customer.customerNo);
  });

  async function expectNothingChanged(action: () => Promise<{ status: number; body: unknown; contentType: string }>, status: number, code: string) {
    const ledgerBefore = await ctx.balances(d.fundAccountNo);
    const bankBefore = await ctx.banks[d.bankCode].bankBalance(d.bankAccountNo);
    const result = await action();
    expect(result.status).toBe(status);
    expect(result.contentType).toContain('application/problem+json');
    expect(result.body).toMatchObject({ code, status });
    expect(await ctx.balances(d.fundAccountNo)).toEqual(ledgerBefore);
    expect(await ctx.banks[d.bankCode].bankBalance(d.bankAccountNo)).toBe(bankBefore);
    return result;
  }

  it('an unknown fund account', () =>
    expectNothingChanged(() => ctx.transfer({ type: 'SECURITIES_TO_BANK', fundAccountNo: '00000000000000', amount: '1.00' }), 404, 'NOT_FOUND'));

  it.each(['F0001', '123456789012345'])('api.md: a fund account number that is not 1-14 digits (%p)', (fundAccountNo) =>
    expectNothingChanged(() => ctx.transfer({ type: 'SECURITIES_TO_BANK', fundAccountNo, amount: '1.00' }), 400, 'VALIDATION_FAILED'));

  it.each(['0', '-5', '1.234', 'abc'])('amount %p', (amount) =>
    expectNothingChanged(() => ctx.transfer({ type: 'SECURITIES_TO_BANK', fundAccountNo: d.fundAccountNo, amount }), 400, 'VALIDATION_FAILED'));

  it('I7: a withdrawal above withdrawable', () =>
    expectNothingChanged(() => ctx.transfer({ type: 'SECURITIES_TO_BANK', fundAccountNo: d.fundAccountNo, amount: '100.01' }), 422, 'INSUFFICIENT_WITHDRAWABLE'));

  it('a transfer on a fund account with no designated bank', () =>
    expectNothingChanged(() => ctx.transfer({ type: 'SECURITIES_TO_BANK', fundAccountNo: notDesignated, amount: '1.00' }), 422, 'RELATIONSHIP_NOT_ACTIVE'));

  it('a reused requestId with another body', async () => {
    const requestId = randomUUID();
    await ctx.api.call('POST', '/v1/transfers?waitMs=15000', { requestId, type: 'SECURITIES_TO_BANK', fundAccountNo: d.fundAccountNo, currency: 'CNY', amount: '1.00' });
    await expectNothingChanged(
      () => ctx.api.call('POST', '/v1/transfers', { requestId, type: 'SECURITIES_TO_BANK', fundAccountNo: d.fundAccountNo, currency: 'CNY', amount: '2.00' }),
      409,
      'IDEMPOTENCY_KEY_REUSED',
    );
  });

  it('a wrong bank password: the transfer fails and carries the bank return code', async () => {
    const before = await ctx.balances(d.fundAccountNo);
    const result = await ctx.transfer({ type: 'BANK_TO_SECURITIES', fundAccountNo: d.fundAccountNo, amount: '5.00', bankPassword: '000000' });
    expect(result.status).toBe(201);
    expect(result.body).toMatchObject({ status: 'FAILED', failure: { code: 'BANK_REJECTED', bankReturnCode: '1001' } });
    expect(await ctx.balances(d.fundAccountNo)).toEqual(before);
  });

  it('no token → 401; a role that may not transfer → 403', async () => {
    const body = { requestId: randomUUID(), type: 'SECURITIES_TO_BANK', fundAccountNo: d.fundAccountNo, currency: 'CNY', amount: '1.00' };
    expect((await ctx.api.call('POST', '/v1/transfers', body, null)).body).toMatchObject({ status: 401, code: 'UNAUTHENTICATED' });
    expect((await ctx.api.call('POST', '/v1/transfers', body, 'auditor')).body).toMatchObject({ status: 403, code: 'FORBIDDEN' });
  });
});

describe('statements', () => {
  interface Statement {
    openingBalance?: string;
    closingBalance?: string;
    nextCursor?: string;
    movements: Array<{ businessDate: string; source: string; sourceId: string; amount: string; balance: string; transfer?: { type: string; serialNo: string } }>;
  }

  it('F-5.2: after real transfers the statement opens at 0.00, lists each movement with its source, transfer and business date (a hold is none), and closes at the ledger and custody balance', async () => {
    const d = await ctx.newDesignation(ctx.bankCodes[0], '5000.00');
    const deposit = await ctx.transfer({ type: 'BANK_TO_SECURITIES', fundAccountNo: d.fundAccountNo, amount: '1000.00', bankPassword: d.bankPassword });
    const withdrawal = await ctx.transfer({ type: 'SECURITIES_TO_BANK', fundAccountNo: d.fundAccountNo, amount: '300.00' });
    expect([deposit.body.status, withdrawal.body.status]).toEqual(['SUCCEEDED', 'SUCCEEDED']);
    expect((await bankA().startDeposit({ bankAccountNo: d.bankAccountNo, fundAccountNo: d.fundAccountNo, amount: '250.00' })).body).toMatchObject({ status: 'SUCCEEDED' });
    const hold = await ctx.api.call('POST', `/v1/fund-accounts/${d.fundAccountNo}/holds`, { requestId: randomUUID(), currency: 'CNY', amount: '100.00', reason: 'order 7' });
    expect(hold.status).toBe(201);

    // The transfers' own business dates (a run crossing the date switch spans two).
    const listed = await ctx.api.call<{ items: Array<{ transferId: string; businessDate: string; initiator: string }> }>('GET', `/v1/transfers?fundAccountNo=${d.fundAccountNo}`);
    const byTransfer = new Map(listed.body.items.map((t) => [t.transferId, t]));
    const dates = listed.body.items.map((t) => t.businessDate).sort();
    const bankDeposit = listed.body.items.find((t) => t.initiator === 'B')!;
    const path = (query: string) => `/v1/fund-accounts/${d.fundAccountNo}/statement?currency=CNY&from=${dates[0]}&to=${dates.at(-1)}${query}`;

    const statement = await ctx.api.call<Statement>('GET', path(''), undefined, 'auditor');
    expect(statement.status).toBe(200);
    expect(statement.body.movements.map(({ source, sourceId, amount, balance }) => ({ source, sourceId, amount, balance }))).toEqual([
      { source: 'TRANSFER', sourceId: deposit.body.transferId, amount: '1000.00', balance: '1000.00' },
      { source: 'TRANSFER', sourceId: withdrawal.body.transferId, amount: '-300.00', balance: '700.00' },
      { source: 'TRANSFER', sourceId: bankDeposit.transferId, amount: '250.00', balance: '950.00' },
    ]);
    for (const m of statement.body.movements) expect(m.businessDate).toBe(byTransfer.get(m.sourceId)!.businessDate);
    expect(statement.body.movements[1].transfer).toMatchObject({ type: 'SECURITIES_TO_BANK', serialNo: withdrawal.body.serialNo });
    expect(statement.body).toMatchObject({ openingBalance: '0.00', closingBalance: '950.00' });
    // I3 and F-5.2: the bank's custody account closes at the same balance; the hold changed neither.
    expect((await ctx.balances(d.fundAccountNo)).balance).toBe('950.00');
    expect((await bankA().custodyAccount(d.fundAccountNo)).balance).toBe('950.00');

    // One movement per page: the pages put together are the statement.
    const served: Statement[] = [];
    let cursor: string | undefined;
    do {
      const page = await ctx.api.call<Statement>('GET', path(`&limit=1${cursor ? `&cursor=${cursor}` : ''}`));
      expect(page.status).toBe(200);
      served.push(page.body);
      cursor = page.body.nextCursor;
    } while (cursor);
    expect(served.flatMap((p) => p.movements)).toEqual(statement.body.movements);
    expect([served[0].openingBalance, served.at(-1)!.closingBalance]).toEqual(['0.00', '950.00']);

    const refused = await ctx.api.call('GET', `/v1/fund-accounts/${d.fundAccountNo}/statement?currency=CNY&from=${dates[0]}`);
    expect(refused.body).toMatchObject({ status: 400, code: 'VALIDATION_FAILED' });
  });
});

describe('banks', () => {
  it('GET /v1/banks: every configured bank with its signed-in sessions and a closed breaker, as its adapter reports', async () => {
    const banks = await ctx.eventually(
      () => ctx.api.call<Array<{ bankCode: string; lead: boolean; sessions: { up: number; total: number }; breaker: string; businessDate: string }>>('GET', '/v1/banks', undefined, 'operator'),
      (r) => r.status === 200 && r.body.every((b) => b.sessions.up === b.sessions.total),
    );
    expect(banks.body.map((b) => ({ code: b.bankCode, lead: b.lead, sessions: b.sessions, breaker: b.breaker }))).toEqual([
      { code: '1021000', lead: true, sessions: { up: 2, total: 2 }, breaker: 'CLOSED' },
      { code: '1051000', lead: false, sessions: { up: 2, total: 2 }, breaker: 'CLOSED' },
    ]);
    expect(banks.body[0].businessDate).toMatch(/^\d{4}-\d{2}-\d{2}$/);
  });
});

describe('the contract', () => {
  it('serves one OpenAPI document for the whole public API', async () => {
    type Doc = { paths: Record<string, Record<string, { responses: Record<string, { content?: Record<string, { schema: { $ref?: string } }> }> }>>; components: { schemas: Record<string, { properties: Record<string, { enum?: string[] }> }> } };
    const result = await ctx.api.call<Doc>('GET', '/v1/openapi.json', undefined, null);
    expect(Object.keys(result.body.paths)).toEqual(
      expect.arrayContaining(['/v1/transfers', '/v1/custody/designations', '/v1/fund-accounts/{fundAccountNo}/balances', '/v1/fund-accounts/{fundAccountNo}/statement', '/v1/customers/{customerNo}']),
    );
    // A transfer's answer is described, with every failure code a caller or operator may meet.
    expect(result.body.paths['/v1/transfers']?.['post']?.responses['201']?.content?.['application/json']?.schema.$ref).toBe('#/components/schemas/TransferView');
    expect(result.body.components.schemas['TransferFailureView']?.properties['code']?.enum).toEqual([
      'BANK_UNAVAILABLE',
      'BANK_REJECTED',
      'DAY_CLOSED',
      'BANK_REQUEST_REFUSED',
      'BANK_REQUEST_STALE',
      'BANK_REVERSED',
      'REVERSAL_REFUSED_FUNDS_USED',
      'RESOLVED_BY_RECONCILIATION',
    ]);
  });
});
