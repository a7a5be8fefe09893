import { randomBytes, randomUUID } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { Module, type INestApplication } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { Outbox } from '@custody/messaging';
import { createTestDatabase, requireInfrastructure, uniqueFundAccountNo, type TestDatabase } from '@custody/testing';
import { IdempotencyStore, loggingModule, newIssuer, ROLES, SecretSealer, serviceMigrations, signToken, startHttpService, TokenVerifier } from '@custody/service-kit';
import { ACCOUNT_SCHEMA } from '../account.schema';
import { CustomerService } from '../customers/customer.service';
import { AccountFunctionRepository } from '../custody/account-function.repository';
import { FundAccountsController } from './fund-accounts.controller';
import { FundAccountService } from './fund-account.service';
import { customerServiceFor } from '../testing/customer-service';

/** `POST /v1/fund-accounts` (api.md) through the account service's real HTTP edge against the real PostgreSQL. */
describe('fund accounts (real PostgreSQL, HTTP edge)', () => {
  const users = newIssuer('identity-provider', ROLES);
  const sealingKey = randomBytes(32);
  let db: TestDatabase;
  let app: INestApplication;
  let baseUrl: string;
  let customers: CustomerService;
  let fundAccounts: FundAccountService;

  beforeAll(async () => {
    await requireInfrastructure({ postgres: true });
    db = await createTestDatabase({
      name: 'account_fund_accounts',
      schema: ACCOUNT_SCHEMA.schema,
      entities: ACCOUNT_SCHEMA.entities,
      migrations: serviceMigrations(ACCOUNT_SCHEMA.schema, sealingKey, ACCOUNT_SCHEMA.migrations),
    });
    customers = customerServiceFor(db.dataSource, new SecretSealer(sealingKey), new Outbox('account')).customers;
    fundAccounts = new FundAccountService(db.dataSource, new IdempotencyStore('account', sealingKey), new Outbox('account'), new AccountFunctionRepository());

    @Module({
      imports: [loggingModule('account-test')],
      controllers: [FundAccountsController],
      providers: [{ provide: DataSource, useValue: db.dataSource }, { provide: FundAccountService, useValue: fundAccounts }],
    })
    class FundAccountsTestModule {}

    app = await startHttpService(FundAccountsTestModule, { name: 'account-test', port: 0, tokenVerifier: new TokenVerifier([users.trusted]) });
    baseUrl = `http://127.0.0.1:${(app.getHttpServer().address() as AddressInfo).port}`;
  });

  afterAll(async () => {
    await app?.close();
    await db?.drop();
  });

  async function newCustomer(): Promise<string> {
    const customerNo = `C${randomUUID().slice(0, 8)}`;
    await customers.put(customerNo, { name: '张三', type: 'INDIVIDUAL', idType: '10', idNumber: '110101199003071234' }, 'u-trading@test-users');
    return customerNo;
  }

  const bearer = () => `Bearer ${signToken(users.identity, { subject: 'test-trading', role: 'trading' }, new Date(), 60_000)}`;

  async function open(customerNo: string, fundAccountNo: unknown, requestId = randomUUID(), fields: { currency?: string; role?: string; branchId?: string } = {}) {
    const res = await fetch(`${baseUrl}/v1/fund-accounts`, {
      method: 'POST',
      headers: { authorization: bearer(), 'content-type': 'application/json' },
      body: JSON.stringify({ requestId, fundAccountNo, customerNo, currency: 'CNY', role: 'PRIMARY', branchId: '0001', ...fields }),
    });
    return { status: res.status, contentType: res.headers.get('content-type') ?? '', body: (await res.json()) as Record<string, unknown> };
  }

  async function view(fundAccountNo: string) {
    const res = await fetch(`${baseUrl}/v1/fund-accounts/${fundAccountNo}`, { headers: { authorization: bearer() } });
    return { status: res.status, body: (await res.json()) as Record<string, unknown> };
  }

  /** What opening an account leaves behind: the account, its idempotency key, its `fund-account.opened`. */
  async function tracesOf(customerNo: string, requestId: string) {
    const [{ accounts }] = await db.dataSource.query(`SELECT count(*)::int AS accounts FROM account.fund_accounts WHERE customer_no = $1`, [customerNo]);
    const [{ keys }] = await db.dataSource.query(`SELECT count(*)::int AS keys FROM account.idempotency_keys WHERE request_id = $1`, [requestId]);
    const [{ events }] = await db.dataSource.query(`SELECT count(*)::int AS events FROM account.outbox WHERE envelope->'payload'->>'customerNo' = $1`, [customerNo]);
    return { accounts, keys, events };
  }

  it.each([
    ['letters', 'F0001'],
    ['15 digits', '123456789012345'],
    ['empty', ''],
    ['a space inside', '1234 5678'],
    ['a sign', '-12345'],
    ['full-width digits', '１２３４５６'],
    ['a number, not a string', 123456],
  ])('api.md, bank-protocol.md §5: a fund account number with %s is refused VALIDATION_FAILED (problem+json) and nothing is opened', async (_case, fundAccountNo) => {
    const customerNo = await newCustomer();
    const requestId = randomUUID();
    const result = await open(customerNo, fundAccountNo, requestId);
    expect(result.status).toBe(400);
    expect(result.contentType).toContain('application/problem+json');
    expect(result.body).toMatchObject({ code: 'VALIDATION_FAILED', detail: expect.stringContaining('fundAccountNo must be 1-14 digits') });
    expect(await tracesOf(customerNo, requestId)).toEqual({ accounts: 0, keys: 0, events: 0 });
  });

  it.each([['1 digit', '7'], ['14 digits', '12345678901234'], ['leading zeros', '00000000000042'], ['12 digits', uniqueFundAccountNo()]])(
    'api.md, bank-protocol.md §5: a fund account number of %s is opened',
    async (_case, fundAccountNo) => {
      const customerNo = await newCustomer();
      const requestId = randomUUID();
      const result = await open(customerNo, fundAccountNo, requestId);
      expect(result).toMatchObject({ status: 201, body: { fundAccountNo, customerNo, role: 'PRIMARY' } });
      expect(await tracesOf(customerNo, requestId)).toEqual({ accounts: 1, keys: 1, events: 1 });
    },
  );

  it('bank-protocol.md §5: the database refuses a fund account number that is not 1-14 digits, whatever path opens it', async () => {
    const customerNo = await newCustomer();
    const requestId = randomUUID();
    await expect(fundAccounts.open({ requestId, fundAccountNo: 'F0001', customerNo, currency: 'CNY', role: 'PRIMARY', branchId: '0001' })).rejects.toMatchObject({
      code: '23514', // check_violation
    });
    expect(await tracesOf(customerNo, requestId)).toEqual({ accounts: 0, keys: 0, events: 0 });
  });

  describe('api.md: a fund account number may hold several currencies', () => {
    it('the same number in another currency opens that currency (same customer, role, branch): a row and a fund-account.opened of its own; GET lists both', async () => {
      const customerNo = await newCustomer();
      const fundAccountNo = uniqueFundAccountNo();
      expect((await open(customerNo, fundAccountNo)).status).toBe(201);
      const usd = await open(customerNo, fundAccountNo, randomUUID(), { currency: 'USD' });
      expect(usd).toMatchObject({ status: 201, body: { fundAccountNo, currency: 'CNY', currencies: ['CNY', 'USD'], role: 'PRIMARY' } });
      expect(await view(fundAccountNo)).toMatchObject({ status: 200, body: { currencies: ['CNY', 'USD'] } });
      const opened = await db.dataSource.query(
        `SELECT envelope->'payload'->>'currency' AS currency FROM account.outbox WHERE topic = 'custody.internal.fund-account.opened.1' AND envelope->'payload'->>'fundAccountNo' = $1 ORDER BY id`,
        [fundAccountNo],
      );
      expect(opened).toEqual([{ currency: 'CNY' }, { currency: 'USD' }]);
    });

    it.each([
      ['a currency it is opened in already', 409, 'ALREADY_EXISTS', {}, false],
      ["another customer's number", 409, 'ALREADY_EXISTS', { currency: 'USD' }, true],
      ['another role', 400, 'VALIDATION_FAILED', { currency: 'USD', role: 'AUXILIARY' }, false],
      ['another branch', 400, 'VALIDATION_FAILED', { currency: 'USD', branchId: '0002' }, false],
    ] as const)('another currency with %s is refused %s %s and nothing is opened', async (_case, status, code, fields, otherCustomer) => {
      const customerNo = await newCustomer();
      const fundAccountNo = uniqueFundAccountNo();
      await open(customerNo, fundAccountNo);
      const requestId = randomUUID();
      const refused = await open(otherCustomer ? await newCustomer() : customerNo, fundAccountNo, requestId, fields);
      expect(refused).toMatchObject({ status, body: { code } });
      expect(await view(fundAccountNo)).toMatchObject({ body: { customerNo, currencies: ['CNY'] } });
      const [{ keys }] = await db.dataSource.query(`SELECT count(*)::int AS keys FROM account.idempotency_keys WHERE request_id = $1`, [requestId]);
      expect(keys).toBe(0);
    });
  });
});
