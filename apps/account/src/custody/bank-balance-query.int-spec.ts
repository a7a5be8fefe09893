import { randomBytes, randomUUID } from 'node:crypto';
import { Money } from '@custody/money';
import { ChinaCalendarDate, DomainError, IdempotencyStore } from '@custody/service-kit';
import { requireInfrastructure, type TestDatabase } from '@custody/testing';
import { createCustodyTestbed, CUSTODY_TEST_PRINCIPAL, type CustodyTestbed } from '../testing/custody-testbed';
import { BankBalanceQueryService } from './bank-balance-query.service';
import { CustodyFunctionRequests } from './custody-function-requests';

const BANK = '1021000';
const PASSWORD = '135790';

/** F-3.10 S against the real PostgreSQL: what account records and sends for a bank balance query, and how it takes the answer. */
describe('F-3.10 S: account on a bank balance query (11009)', () => {
  let db: TestDatabase;
  let testbed: CustodyTestbed;
  let queries: BankBalanceQueryService;
  let requests: CustodyFunctionRequests;

  beforeAll(async () => {
    await requireInfrastructure({ postgres: true });
    testbed = await createCustodyTestbed('account-bank-balance-query');
    db = testbed.db;
    requests = testbed.functionRequests;
    queries = new BankBalanceQueryService(db.dataSource, new IdempotencyStore('account', randomBytes(32)), testbed.sealer, new ChinaCalendarDate(), requests);
  });

  afterAll(() => db?.drop());

  /** A fund account designated at BANK with bank account 6222000033334444 (pre-designated, then confirmed by the bank). */
  const designated = async () => (await testbed.designated(BANK)).fundAccountNo;

  const requested = (functionId: string) => testbed.functionRequested(functionId);

  const row = async (id: string) => (await db.dataSource.query(`SELECT status, answer, failure_code, bank_return_code FROM account.custody_function_requests WHERE id = $1`, [id]))[0];

  it('F-3.10: the request goes out with its serial, the linked bank account and the password sealed, never in clear', async () => {
    const fundAccountNo = await designated();
    const id = await queries.ask({ requestId: randomUUID(), fundAccountNo, currency: 'CNY', bankPassword: PASSWORD }, CUSTODY_TEST_PRINCIPAL);
    const [payload] = await requested(id);
    expect(payload).toMatchObject({ function: 'QUERY_BANK_BALANCE', fundAccountNo, currency: 'CNY', bankCode: BANK, bankAccountNo: '6222000033334444' });
    expect(payload.serialNo).toMatch(/^\d{1,20}$/);
    expect(testbed.sealer.open(payload.bankPassword as never)).toBe(PASSWORD);
    expect(JSON.stringify(payload)).not.toContain(PASSWORD);
    expect(await row(id)).toMatchObject({ status: 'PENDING', answer: null });
  });

  it('api.md: a repeated requestId is the same request; nothing more goes to the bank', async () => {
    const fundAccountNo = await designated();
    const body = { requestId: randomUUID(), fundAccountNo, currency: 'CNY' as const, bankPassword: PASSWORD };
    const id = await queries.ask(body, CUSTODY_TEST_PRINCIPAL);
    expect(await queries.ask(body, CUSTODY_TEST_PRINCIPAL)).toBe(id);
    expect(await requested(id)).toHaveLength(1);
  });

  it('the first verdict stands: a redelivered or later one changes nothing', async () => {
    const fundAccountNo = await designated();
    const id = await queries.ask({ requestId: randomUUID(), fundAccountNo, currency: 'CNY', bankPassword: PASSWORD }, CUSTODY_TEST_PRINCIPAL);
    const [payload] = await requested(id);
    const verdict = { ...(payload as { serialNo: string }), functionId: id, function: 'QUERY_BANK_BALANCE' as const, bankCode: BANK, fundAccountNo, currency: 'CNY' as const, businessDate: '2026-12-07' };
    const balances = { balance: Money.parse('52000.00'), available: Money.parse('51800.00') };
    await db.dataSource.transaction((m) => requests.resolve(m, { ...verdict, status: 'SUCCEEDED', bankBalances: balances }));
    await db.dataSource.transaction((m) => requests.resolve(m, { ...verdict, status: 'FAILED', failure: { code: 'BANK_REJECTED', bankReturnCode: '1001', message: 'x' } }));
    expect(await row(id)).toMatchObject({ status: 'SUCCEEDED', answer: { balance: '52000.00', available: '51800.00' }, failure_code: null });
    expect((await requests.settledWithin(id, 0)).answer).toEqual({ balance: '52000.00', available: '51800.00' });
  });

  it('a refusal is answered as the problem with the bank’s code', async () => {
    const fundAccountNo = await designated();
    const id = await queries.ask({ requestId: randomUUID(), fundAccountNo, currency: 'CNY', bankPassword: PASSWORD }, CUSTODY_TEST_PRINCIPAL);
    const [payload] = await requested(id);
    await db.dataSource.transaction((m) =>
      requests.resolve(m, { serialNo: payload.serialNo as string, functionId: id, function: 'QUERY_BANK_BALANCE', bankCode: BANK, fundAccountNo, currency: 'CNY', businessDate: '2026-12-07', status: 'FAILED', failure: { code: 'BANK_REJECTED', bankReturnCode: '1001', message: '密码错' } }),
    );
    await expect(requests.settledWithin(id, 0)).rejects.toMatchObject({ code: 'BANK_REJECTED', extensions: { bankCode: BANK, bankReturnCode: '1001' } });
  });

  it('a pre-designated fund account has no bank account to ask about: RELATIONSHIP_NOT_ACTIVE, nothing recorded or sent', async () => {
    const { fundAccountNo } = await testbed.preDesignated(BANK);
    const before = await db.dataSource.query(`SELECT count(*)::int AS n FROM account.custody_function_requests`);
    await expect(queries.ask({ requestId: randomUUID(), fundAccountNo, currency: 'CNY', bankPassword: PASSWORD }, CUSTODY_TEST_PRINCIPAL)).rejects.toMatchObject({ code: 'RELATIONSHIP_NOT_ACTIVE' });
    expect(await db.dataSource.query(`SELECT count(*)::int AS n FROM account.custody_function_requests`)).toEqual(before);
    await expect(queries.ask({ requestId: randomUUID(), fundAccountNo: '99999999999999', currency: 'CNY', bankPassword: PASSWORD }, CUSTODY_TEST_PRINCIPAL)).rejects.toBeInstanceOf(DomainError);
  });
});
