import { generateKeyPairSync, randomBytes, randomUUID } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { Module, type INestApplication } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { ClearPin, PinVerifierPrivateKey, PinVerifierPublicKey } from '@custody/bank-protocol';
import { Outbox } from '@custody/messaging';
import { createTestDatabase, requireInfrastructure, uniqueFundAccountNo, type TestDatabase } from '@custody/testing';
import {
  type CallerRole,
  IdempotencyStore,
  loggingModule,
  newIssuer,
  readFundPinPrivateKey,
  readFundPinPublicKey,
  ROLES,
  SecretSealer,
  SERVICE_ROLE,
  serviceMigrations,
  signToken,
  startHttpService,
  TokenVerifier,
} from '@custody/service-kit';
import { ACCOUNT_SCHEMA } from '../account.schema';
import { AccountFunctionRepository } from '../custody/account-function.repository';
import { FundAccountService } from '../fund-accounts/fund-account.service';
import { CustomersController } from './customers.controller';
import { CustomerService } from './customer.service';
import { FundPasswordVerificationsController } from './fund-password-verifications.controller';
import { FundPasswordService } from './fund-password.service';

/**
 * The fund password (api.md PUT …/fund-password; F-4.2 B verification) through the account service's real HTTP
 * edge (role guard, validation, problem codes) against the real PostgreSQL. Passwords reach the verification
 * only as PIN blocks under the account service's public key, as the bank adapters and the transfer service
 * send them.
 */
describe('fund password (real PostgreSQL, HTTP edge)', () => {
  // People's roles come from the identity provider, the service role only from a bank adapter's own key.
  const users = newIssuer('identity-provider', ROLES);
  const adapter = newIssuer('bank-adapter-1021000', [SERVICE_ROLE]);
  const tokenFor = (role: CallerRole) => signToken(role === SERVICE_ROLE ? adapter.identity : users.identity, { subject: `test-${role}`, role }, new Date(), 60_000);
  const sealingKey = randomBytes(32);
  let db: TestDatabase;
  let app: INestApplication;
  let baseUrl: string;
  let customers: CustomerService;
  let fundAccounts: FundAccountService;

  beforeAll(async () => {
    await requireInfrastructure({ postgres: true });
    db = await createTestDatabase({
      name: 'account_fund_password',
      schema: ACCOUNT_SCHEMA.schema,
      entities: ACCOUNT_SCHEMA.entities,
      migrations: serviceMigrations(ACCOUNT_SCHEMA.schema, sealingKey, ACCOUNT_SCHEMA.migrations),
    });
    const sealer = new SecretSealer(sealingKey);
    customers = new CustomerService(db.dataSource, sealer, new Outbox('account'));
    fundAccounts = new FundAccountService(db.dataSource, new IdempotencyStore('account', sealingKey), new Outbox('account'), new AccountFunctionRepository());

    @Module({
      imports: [loggingModule('account-test')],
      controllers: [CustomersController, FundPasswordVerificationsController],
      providers: [
        { provide: DataSource, useValue: db.dataSource },
        { provide: SecretSealer, useValue: sealer },
        { provide: Outbox, useValue: new Outbox('account') },
        { provide: PinVerifierPrivateKey, useValue: new PinVerifierPrivateKey(readFundPinPrivateKey({})) },
        CustomerService,
        FundPasswordService,
      ],
    })
    class FundPasswordTestModule {}

    app = await startHttpService(FundPasswordTestModule, { name: 'account-test', port: 0, tokenVerifier: new TokenVerifier([users.trusted, adapter.trusted]) });
    baseUrl = `http://127.0.0.1:${(app.getHttpServer().address() as AddressInfo).port}`;
  });

  afterAll(async () => {
    await app?.close();
    await db?.drop();
  });

  async function call(method: string, path: string, body: unknown, role: CallerRole) {
    const res = await fetch(`${baseUrl}${path}`, {
      method,
      headers: { authorization: `Bearer ${tokenFor(role)}`, 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
    const text = await res.text();
    return { status: res.status, body: text ? (JSON.parse(text) as Record<string, unknown>) : undefined };
  }
  const setPassword = (customerNo: string, password: unknown, role: CallerRole = 'trading') => call('PUT', `/v1/customers/${customerNo}/fund-password`, { password }, role);
  /** What a caller holding only the public key sends (the bank adapter after translating, the transfer service at its edge). */
  const verifierKey = new PinVerifierPublicKey(readFundPinPublicKey({}));
  const pinBlockFor = (password: string, binding: { attemptId: string; fundAccountNo: string }, key = verifierKey) => {
    const { keyId, block } = key.encrypt(ClearPin.of(password), binding);
    return { pinBlock: block, pinKeyId: keyId };
  };
  const newAttemptId = () => `1021000:B${randomUUID().slice(0, 12)}`;
  const verify = async (fundAccountNo: string, password: string, role: CallerRole = 'service', attemptId = newAttemptId(), extra: Record<string, unknown> = {}) =>
    call('POST', '/internal/v1/fund-password-verifications', { attemptId, fundAccountNo, ...pinBlockFor(password, { attemptId, fundAccountNo }), ...extra }, role);
  const resultOf = async (fundAccountNo: string, password: string) => (await verify(fundAccountNo, password)).body?.result;

  const failuresOf = async (customerNo: string): Promise<number> =>
    (await db.dataSource.query(`SELECT fund_password_failures FROM account.customers WHERE customer_no = $1`, [customerNo]))[0].fund_password_failures;

  async function customerWithAccount() {
    const customerNo = `C${randomUUID().slice(0, 8)}`;
    await customers.put(customerNo, { name: '张三', type: 'INDIVIDUAL', idType: '10', idNumber: '110101199003071234' });
    const fundAccountNo = uniqueFundAccountNo();
    await fundAccounts.open({ requestId: randomUUID(), fundAccountNo, customerNo, currency: 'CNY', role: 'PRIMARY', branchId: '0001' });
    return { customerNo, fundAccountNo };
  }

  it('api.md: PUT stores only a salted hash; the password is in no column', async () => {
    const { customerNo } = await customerWithAccount();
    expect((await setPassword(customerNo, '246813')).status).toBe(204);
    const [row] = await db.dataSource.query(`SELECT * FROM account.customers WHERE customer_no = $1`, [customerNo]);
    expect(row.fund_password_hash).toMatch(/^scrypt\$/);
    expect(JSON.stringify(row)).not.toContain('246813');
  });

  it('api.md: a password that is not exactly 6 digits is VALIDATION_FAILED and changes nothing', async () => {
    const { customerNo, fundAccountNo } = await customerWithAccount();
    await setPassword(customerNo, '246813');
    for (const bad of ['12345', '1234567', '12345a', 123456, '']) {
      const res = await setPassword(customerNo, bad);
      expect(res).toMatchObject({ status: 400, body: { code: 'VALIDATION_FAILED' } });
      expect(JSON.stringify(res.body)).not.toContain('12345');
    }
    expect(await resultOf(fundAccountNo, '246813')).toBe('MATCHED');
  });

  it('api.md: an unknown customer is NOT_FOUND', async () => {
    expect(await setPassword(`C${randomUUID().slice(0, 8)}`, '246813')).toMatchObject({ status: 404, body: { code: 'NOT_FOUND' } });
  });

  it('F-4.2 B: verification answers MATCHED, MISMATCHED, NOT_SET and UNKNOWN_FUND_ACCOUNT', async () => {
    const { customerNo, fundAccountNo } = await customerWithAccount();
    expect(await resultOf(fundAccountNo, '246813')).toBe('NOT_SET');
    await setPassword(customerNo, '246813');
    expect(await verify(fundAccountNo, '246813')).toEqual({ status: 200, body: { result: 'MATCHED' } });
    expect(await resultOf(fundAccountNo, '246814')).toBe('MISMATCHED');
    expect(await resultOf(fundAccountNo, '2468')).toBe('MISMATCHED');
    expect(await resultOf(uniqueFundAccountNo(), '246813')).toBe('UNKNOWN_FUND_ACCOUNT');
  });

  it('lockout: five wrong passwords in a row lock it (even against the right one) until it is set again', async () => {
    const { customerNo, fundAccountNo } = await customerWithAccount();
    await setPassword(customerNo, '246813');
    const answers = [];
    for (let i = 0; i < 5; i++) answers.push(await resultOf(fundAccountNo, '000000'));
    expect(answers).toEqual(['MISMATCHED', 'MISMATCHED', 'MISMATCHED', 'MISMATCHED', 'LOCKED']);
    expect(await resultOf(fundAccountNo, '246813')).toBe('LOCKED');

    await setPassword(customerNo, '246813');
    expect(await resultOf(fundAccountNo, '246813')).toBe('MATCHED');
  });

  it('lockout counts consecutive failures only: a success resets the count', async () => {
    const { customerNo, fundAccountNo } = await customerWithAccount();
    await setPassword(customerNo, '246813');
    for (let i = 0; i < 4; i++) expect(await resultOf(fundAccountNo, '000000')).toBe('MISMATCHED');
    expect(await resultOf(fundAccountNo, '246813')).toBe('MATCHED');
    for (let i = 0; i < 4; i++) expect(await resultOf(fundAccountNo, '000000')).toBe('MISMATCHED');
    expect(await resultOf(fundAccountNo, '246813')).toBe('MATCHED');
  });

  it('lockout: concurrent wrong guesses are all counted (the customer row is locked for each check)', async () => {
    const { customerNo, fundAccountNo } = await customerWithAccount();
    await setPassword(customerNo, '246813');
    const answers = await Promise.all(Array.from({ length: 8 }, () => resultOf(fundAccountNo, '000000')));
    expect(answers.filter((a) => a === 'MISMATCHED')).toHaveLength(4);
    expect(await resultOf(fundAccountNo, '246813')).toBe('LOCKED');
  });

  it('I6: a repeated attempt (the bank resending its request) gets the first verdict and counts one failure, not two', async () => {
    const { customerNo, fundAccountNo } = await customerWithAccount();
    await setPassword(customerNo, '246813');
    const attemptId = newAttemptId();
    expect((await verify(fundAccountNo, '000000', 'service', attemptId)).body?.result).toBe('MISMATCHED');
    expect((await verify(fundAccountNo, '000000', 'service', attemptId)).body?.result).toBe('MISMATCHED');
    const [row] = await db.dataSource.query(`SELECT fund_password_failures FROM account.customers WHERE customer_no = $1`, [customerNo]);
    expect(row.fund_password_failures).toBe(1);
    // Four more distinct attempts lock it only on the fifth failure in all.
    const answers = [];
    for (let i = 0; i < 4; i++) answers.push(await resultOf(fundAccountNo, '000000'));
    expect(answers).toEqual(['MISMATCHED', 'MISMATCHED', 'MISMATCHED', 'LOCKED']);
  });

  it('I6: the repeat gets the first verdict even when it carries another password, and repeats racing each other are judged once', async () => {
    const { customerNo, fundAccountNo } = await customerWithAccount();
    await setPassword(customerNo, '246813');
    const attemptId = newAttemptId();
    const raced = await Promise.all(Array.from({ length: 4 }, () => verify(fundAccountNo, '000000', 'service', attemptId)));
    expect(raced.map((res) => res.body?.result)).toEqual(['MISMATCHED', 'MISMATCHED', 'MISMATCHED', 'MISMATCHED']);
    expect((await verify(fundAccountNo, '246813', 'service', attemptId)).body?.result).toBe('MISMATCHED');
    const [row] = await db.dataSource.query(`SELECT fund_password_failures FROM account.customers WHERE customer_no = $1`, [customerNo]);
    expect(row.fund_password_failures).toBe(1);
  });

  it('an attempt id repeated for another fund account is IDEMPOTENCY_KEY_REUSED and judges nothing', async () => {
    const first = await customerWithAccount();
    const second = await customerWithAccount();
    await setPassword(second.customerNo, '246813');
    const attemptId = newAttemptId();
    await verify(first.fundAccountNo, '000000', 'service', attemptId);
    expect(await verify(second.fundAccountNo, '000000', 'service', attemptId)).toMatchObject({ status: 409, body: { code: 'IDEMPOTENCY_KEY_REUSED' } });
    const [row] = await db.dataSource.query(`SELECT fund_password_failures FROM account.customers WHERE customer_no = $1`, [second.customerNo]);
    expect(row.fund_password_failures).toBe(0);
  });

  it('a verification without a well-formed attempt id is VALIDATION_FAILED', async () => {
    const { customerNo, fundAccountNo } = await customerWithAccount();
    await setPassword(customerNo, '246813');
    for (const attemptId of ['', 'has space', 'x'.repeat(65)]) {
      expect(await verify(fundAccountNo, '246813', 'service', attemptId)).toMatchObject({ status: 400, body: { code: 'VALIDATION_FAILED' } });
    }
    const missing = await call('POST', '/internal/v1/fund-password-verifications', { fundAccountNo, ...pinBlockFor('246813', { attemptId: 'x', fundAccountNo }) }, 'service');
    expect(missing).toMatchObject({ status: 400, body: { code: 'VALIDATION_FAILED' } });
  });

  it('item 4: a clear password is refused (VALIDATION_FAILED, not echoed): nothing is judged or counted', async () => {
    const { customerNo, fundAccountNo } = await customerWithAccount();
    await setPassword(customerNo, '246813');
    const attemptId = newAttemptId();
    const clear = await call('POST', '/internal/v1/fund-password-verifications', { attemptId, fundAccountNo, password: '000000' }, 'service');
    expect(clear).toMatchObject({ status: 400, body: { code: 'VALIDATION_FAILED' } });
    const alongside = await verify(fundAccountNo, '000000', 'service', attemptId, { password: '000000' });
    expect(alongside).toMatchObject({ status: 400, body: { code: 'VALIDATION_FAILED' } });
    expect(JSON.stringify([clear.body, alongside.body])).not.toContain('000000');
    expect(await failuresOf(customerNo)).toBe(0);
    expect(await db.dataSource.query(`SELECT 1 FROM account.fund_password_verifications WHERE attempt_id = $1`, [attemptId])).toEqual([]);
  });

  it('item 4: a block under another key pair is no verdict (VALIDATION_FAILED naming the key) and counts nothing', async () => {
    const { customerNo, fundAccountNo } = await customerWithAccount();
    await setPassword(customerNo, '246813');
    const otherKey = new PinVerifierPrivateKey(generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey).publicKey;
    const attemptId = newAttemptId();
    const res = await call('POST', '/internal/v1/fund-password-verifications', { attemptId, fundAccountNo, ...pinBlockFor('000000', { attemptId, fundAccountNo }, otherKey) }, 'service');
    expect(res).toMatchObject({ status: 400, body: { code: 'VALIDATION_FAILED' } });
    expect(res.body?.detail).toContain(otherKey.keyId);
    expect(await failuresOf(customerNo)).toBe(0);
  });

  it('item 4: a block made for another attempt or fund account (one copied off the wire) is UNREADABLE and counts nothing', async () => {
    const { customerNo, fundAccountNo } = await customerWithAccount();
    await setPassword(customerNo, '246813');
    const captured = pinBlockFor('246813', { attemptId: newAttemptId(), fundAccountNo });
    const replayed = await call('POST', '/internal/v1/fund-password-verifications', { attemptId: newAttemptId(), fundAccountNo, ...captured }, 'service');
    expect(replayed).toEqual({ status: 200, body: { result: 'UNREADABLE' } });
    const attemptId = newAttemptId();
    const otherAccount = pinBlockFor('246813', { attemptId, fundAccountNo: uniqueFundAccountNo() });
    expect((await call('POST', '/internal/v1/fund-password-verifications', { attemptId, fundAccountNo, ...otherAccount }, 'service')).body).toEqual({ result: 'UNREADABLE' });
    const garbage = { pinBlock: randomBytes(384).toString('base64'), pinKeyId: verifierKey.keyId };
    expect((await call('POST', '/internal/v1/fund-password-verifications', { attemptId: newAttemptId(), fundAccountNo, ...garbage }, 'service')).body).toEqual({ result: 'UNREADABLE' });
    expect(await failuresOf(customerNo)).toBe(0);
    expect(await resultOf(fundAccountNo, '246813')).toBe('MATCHED');
  });

  it('I6 with a digest: a repeat carrying the same attemptDigest gets the first verdict; another digest is IDEMPOTENCY_KEY_REUSED; either counts once', async () => {
    const { customerNo, fundAccountNo } = await customerWithAccount();
    await setPassword(customerNo, '246813');
    const attemptId = `transfer:${randomUUID()}`;
    const digest = (c: string) => c.repeat(64);
    expect((await verify(fundAccountNo, '000000', 'service', attemptId, { attemptDigest: digest('a') })).body).toEqual({ result: 'MISMATCHED' });
    expect((await verify(fundAccountNo, '000000', 'service', attemptId, { attemptDigest: digest('a') })).body).toEqual({ result: 'MISMATCHED' });
    expect(await verify(fundAccountNo, '246813', 'service', attemptId, { attemptDigest: digest('b') })).toMatchObject({ status: 409, body: { code: 'IDEMPOTENCY_KEY_REUSED' } });
    expect(await verify(fundAccountNo, '246813', 'service', attemptId)).toMatchObject({ status: 409, body: { code: 'IDEMPOTENCY_KEY_REUSED' } });
    expect(await failuresOf(customerNo)).toBe(1);
  });

  it('auth: only trading sets a password and only service verifies one (403 otherwise, 401 without a token)', async () => {
    const { customerNo, fundAccountNo } = await customerWithAccount();
    for (const role of ['operator', 'supervisor', 'auditor', 'service'] as const) {
      expect((await setPassword(customerNo, '246813', role)).status).toBe(403);
    }
    for (const role of ['trading', 'operator', 'supervisor', 'auditor'] as const) {
      expect((await verify(fundAccountNo, '246813', role)).status).toBe(403);
    }
    const anonymous = await fetch(`${baseUrl}/internal/v1/fund-password-verifications`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' });
    expect(anonymous.status).toBe(401);
    const [row] = await db.dataSource.query(`SELECT fund_password_hash FROM account.customers WHERE customer_no = $1`, [customerNo]);
    expect(row.fund_password_hash).toBeNull();
  });
});
