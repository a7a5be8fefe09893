import { randomBytes, randomUUID } from 'node:crypto';
import { ChinaCalendarDate, IdempotencyStore } from '@custody/service-kit';
import { requireInfrastructure, type TestDatabase } from '@custody/testing';
import { createCustodyTestbed, CUSTODY_TEST_ID_NUMBER, CUSTODY_TEST_PRINCIPAL, type CustodyTestbed } from '../testing/custody-testbed';
import type { CustodyFunctionRequests } from './custody-function-requests';
import { IdentityCheckService } from './identity-check.service';

const BANK = '1021000';

/** F-3.11 S against the real PostgreSQL: what account sends for an identity check, and how it keeps the answer. */
describe('F-3.11 S: account on an identity check (11007)', () => {
  let db: TestDatabase;
  let testbed: CustodyTestbed;
  let checks: IdentityCheckService;
  let requests: CustodyFunctionRequests;

  beforeAll(async () => {
    await requireInfrastructure({ postgres: true });
    testbed = await createCustodyTestbed('account-identity-check');
    db = testbed.db;
    requests = testbed.functionRequests;
    checks = new IdentityCheckService(db.dataSource, new IdempotencyStore('account', randomBytes(32)), new ChinaCalendarDate(), requests);
  });

  afterAll(() => db?.drop());

  /** A fund account designated at BANK with bank account 6222000033334444 (pre-designated, then confirmed by the bank). */
  const designated = async () => (await testbed.designated(BANK)).fundAccountNo;

  const requested = (functionId: string) => testbed.functionRequested(functionId);

  const resolve = (payload: Record<string, unknown>, fields: Record<string, unknown>) =>
    db.dataSource.transaction((m) =>
      requests.resolve(m, {
        functionId: payload.functionId as string,
        serialNo: payload.serialNo as string,
        function: 'IDENTITY_CHECK',
        bankCode: BANK,
        fundAccountNo: payload.fundAccountNo as string,
        currency: 'CNY',
        businessDate: '2026-12-07',
        status: 'SUCCEEDED',
        ...fields,
      }),
    );

  const functionCount = async () => (await db.dataSource.query(`SELECT count(*)::int AS n FROM account.account_functions`))[0].n;

  it('§5.11.4 d: the request names the customer as the broker records them — the ID number sealed, never in clear — and the linked bank account', async () => {
    const fundAccountNo = await designated();
    const id = await checks.ask({ requestId: randomUUID(), fundAccountNo, currency: 'CNY' }, CUSTODY_TEST_PRINCIPAL);
    const [payload] = await requested(id);
    expect(payload).toMatchObject({ function: 'IDENTITY_CHECK', fundAccountNo, currency: 'CNY', bankCode: BANK, bankAccountNo: '6222000033334444', customer: { name: '李四', type: 'INDIVIDUAL', idType: '10' } });
    expect(testbed.sealer.open((payload.customer as { idNumber: never }).idNumber)).toBe(CUSTODY_TEST_ID_NUMBER);
    expect(JSON.stringify(payload)).not.toContain(CUSTODY_TEST_ID_NUMBER);
  });

  it('F-3.11: a mismatch is an answer — matched false with the bank’s code — kept for a repeat; nothing is recorded for the day files', async () => {
    const fundAccountNo = await designated();
    const before = await functionCount();
    const body = { requestId: randomUUID(), fundAccountNo, currency: 'CNY' as const };
    const id = await checks.ask(body, CUSTODY_TEST_PRINCIPAL);
    const [payload] = await requested(id);
    await resolve(payload, { identityCheck: { matched: false, bankReturnCode: '5011' } });
    expect((await requests.settledWithin(id, 0)).answer).toEqual({ matched: false, bankReturnCode: '5011' });
    expect(await checks.ask(body, CUSTODY_TEST_PRINCIPAL)).toBe(id);
    expect(await requested(id)).toHaveLength(1);
    expect(await functionCount()).toBe(before);
  });

  it('F-3.11: a match is matched true with 0000', async () => {
    const fundAccountNo = await designated();
    const id = await checks.ask({ requestId: randomUUID(), fundAccountNo, currency: 'CNY' }, CUSTODY_TEST_PRINCIPAL);
    const [payload] = await requested(id);
    await resolve(payload, { identityCheck: { matched: true, bankReturnCode: '0000' } });
    expect((await requests.settledWithin(id, 0)).answer).toEqual({ matched: true, bankReturnCode: '0000' });
  });

  it('a fund account with no designated bank account is RELATIONSHIP_NOT_ACTIVE, an unknown one NOT_FOUND; nothing recorded or sent', async () => {
    const { fundAccountNo } = await testbed.preDesignated(BANK);
    const before = await db.dataSource.query(`SELECT count(*)::int AS n FROM account.custody_function_requests`);
    await expect(checks.ask({ requestId: randomUUID(), fundAccountNo, currency: 'CNY' }, CUSTODY_TEST_PRINCIPAL)).rejects.toMatchObject({ code: 'RELATIONSHIP_NOT_ACTIVE' });
    await expect(checks.ask({ requestId: randomUUID(), fundAccountNo: '99999999999999', currency: 'CNY' }, CUSTODY_TEST_PRINCIPAL)).rejects.toMatchObject({ code: 'NOT_FOUND' });
    expect(await db.dataSource.query(`SELECT count(*)::int AS n FROM account.custody_function_requests`)).toEqual(before);
  });
});
