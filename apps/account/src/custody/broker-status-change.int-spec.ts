import { randomBytes, randomUUID } from 'node:crypto';
import { ChinaCalendarDate, IdempotencyStore } from '@custody/service-kit';
import { requireInfrastructure, type TestDatabase } from '@custody/testing';
import { createCustodyTestbed, CUSTODY_TEST_PRINCIPAL, type CustodyTestbed } from '../testing/custody-testbed';
import { BrokerStatusChangeService } from './broker-status-change.service';
import type { CustodyFunctionRequests } from './custody-function-requests';

const BANK = '1021000';

/** 11011 S against the real PostgreSQL: what account checks and sends for an operator's status change, and what it records once the bank took it. */
describe('11011 S: account on a status change the broker starts', () => {
  let db: TestDatabase;
  let testbed: CustodyTestbed;
  let changes: BrokerStatusChangeService;
  let requests: CustodyFunctionRequests;

  beforeAll(async () => {
    await requireInfrastructure({ postgres: true });
    testbed = await createCustodyTestbed('account-broker-status-change');
    db = testbed.db;
    requests = testbed.functionRequests;
    changes = new BrokerStatusChangeService(db.dataSource, new IdempotencyStore('account', randomBytes(32)), new ChinaCalendarDate(), requests);
  });

  afterAll(() => db?.drop());

  /** A fund account designated at BANK with bank account 6222000033334444 (pre-designated, then confirmed by the bank). */
  const designated = () => testbed.designated(BANK);

  const requested = (functionId: string) => testbed.functionRequested(functionId);

  /** The verdict as the ledger hands it on (custody.function-applied). */
  const resolve = (payload: Record<string, unknown>, fields: Record<string, unknown>) =>
    db.dataSource.transaction((m) =>
      requests.resolve(m, {
        functionId: payload.functionId as string,
        serialNo: payload.serialNo as string,
        function: 'CHANGE_ACCOUNT_STATUS',
        bankCode: BANK,
        fundAccountNo: payload.fundAccountNo as string,
        currency: 'CNY',
        businessDate: '2026-12-07',
        status: 'SUCCEEDED',
        ...fields,
      }),
    );

  const accountStatusOf = async (relationshipId: string) =>
    (await db.dataSource.query(`SELECT account_status FROM account.custody_relationships WHERE id = $1`, [relationshipId]))[0].account_status;
  const functionCodesOf = async (relationshipId: string) => (await testbed.functionsOf(relationshipId)).map((f) => f.function_code);
  const requestCount = async () => (await db.dataSource.query(`SELECT count(*)::int AS n FROM account.custody_function_requests`))[0].n;

  /** Freezes the fund account as the bank and the ledger would: sent, taken, applied. */
  async function frozen(fundAccountNo: string) {
    const id = await changes.request({ requestId: randomUUID(), fundAccountNo, accountStatus: 'FROZEN' }, CUSTODY_TEST_PRINCIPAL);
    const [payload] = await requested(id);
    await resolve(payload, { accountStatus: 'FROZEN', bankSerialNo: 'B77' });
    return { id, payload };
  }

  it('profile §4.1: the request carries the new status, the linked bank account and our serial; nothing changes before the bank took it', async () => {
    const { fundAccountNo, relationshipId } = await designated();
    const id = await changes.request({ requestId: randomUUID(), fundAccountNo, accountStatus: 'FROZEN' }, CUSTODY_TEST_PRINCIPAL);
    const [payload] = await requested(id);
    expect(payload).toMatchObject({ function: 'CHANGE_ACCOUNT_STATUS', fundAccountNo, currency: 'CNY', bankCode: BANK, bankAccountNo: '6222000033334444', accountStatus: 'FROZEN' });
    expect(payload.serialNo).toMatch(/^\d{1,20}$/);
    expect(await accountStatusOf(relationshipId)).toBe('NORMAL');
    expect(await functionCodesOf(relationshipId)).toEqual(['11002', '11003']);
  });

  it("profile §4.1, §5: once the bank took it the relationship is FROZEN (still DESIGNATED), the day's 11011 (S, both serials, 金额 0) is recorded, and the caller is answered", async () => {
    const { fundAccountNo, relationshipId } = await designated();
    const { id, payload } = await frozen(fundAccountNo);
    expect(await accountStatusOf(relationshipId)).toBe('FROZEN');
    const [, , statusChange] = await testbed.functionsOf(relationshipId);
    expect(statusChange).toMatchObject({ function_code: '11011', initiator: 'S', broker_serial_no: payload.serialNo, bank_serial_no: 'B77', bank_account_no: '6222000033334444', business_date: '2026-12-07', status_after: 'DESIGNATED' });
    const [{ amount }] = await db.dataSource.query(`SELECT amount::text FROM account.account_functions WHERE broker_serial_no = $1`, [payload.serialNo]);
    expect(amount).toBe('0.00');
    expect((await requests.settledWithin(id, 0)).answer).toEqual({ fundAccountNo, bankCode: BANK, accountStatus: 'FROZEN', serialNo: payload.serialNo });
  });

  it('a refusal by the bank changes nothing and records nothing; the caller gets BANK_REJECTED with its code', async () => {
    const { fundAccountNo, relationshipId } = await designated();
    const id = await changes.request({ requestId: randomUUID(), fundAccountNo, accountStatus: 'LOST' }, CUSTODY_TEST_PRINCIPAL);
    const [payload] = await requested(id);
    await resolve(payload, { status: 'FAILED', failure: { code: 'BANK_REJECTED', bankReturnCode: '1016', message: '未建立对应关系' } });
    expect(await accountStatusOf(relationshipId)).toBe('NORMAL');
    expect(await functionCodesOf(relationshipId)).toEqual(['11002', '11003']);
    await expect(requests.settledWithin(id, 0)).rejects.toMatchObject({ code: 'BANK_REJECTED', extensions: { bankReturnCode: '1016' } });
  });

  it('profile §4.1: the status the relationship has already is refused ACCOUNT_STATUS_UNCHANGED before anything is sent', async () => {
    const { fundAccountNo } = await designated();
    const before = await requestCount();
    await expect(changes.request({ requestId: randomUUID(), fundAccountNo, accountStatus: 'NORMAL' }, CUSTODY_TEST_PRINCIPAL)).rejects.toMatchObject({ code: 'ACCOUNT_STATUS_UNCHANGED' });
    await frozen(fundAccountNo);
    await expect(changes.request({ requestId: randomUUID(), fundAccountNo, accountStatus: 'FROZEN' }, CUSTODY_TEST_PRINCIPAL)).rejects.toMatchObject({ code: 'ACCOUNT_STATUS_UNCHANGED' });
    expect(await requestCount()).toBe(before + 1);
  });

  it('one change at a time: another while one awaits the bank is RELATIONSHIP_CHANGING; a repeated requestId is the same request', async () => {
    const { fundAccountNo } = await designated();
    const body = { requestId: randomUUID(), fundAccountNo, accountStatus: 'FROZEN' as const };
    const id = await changes.request(body, CUSTODY_TEST_PRINCIPAL);
    expect(await changes.request(body, CUSTODY_TEST_PRINCIPAL)).toBe(id);
    await expect(changes.request({ requestId: randomUUID(), fundAccountNo, accountStatus: 'LOST' }, CUSTODY_TEST_PRINCIPAL)).rejects.toMatchObject({ code: 'RELATIONSHIP_CHANGING' });
    expect(await requested(id)).toHaveLength(1);
  });

  it('a fund account with no designated relationship is RELATIONSHIP_NOT_ACTIVE, an unknown one NOT_FOUND; nothing recorded or sent', async () => {
    const { fundAccountNo } = await testbed.preDesignated(BANK);
    const before = await requestCount();
    await expect(changes.request({ requestId: randomUUID(), fundAccountNo, accountStatus: 'FROZEN' }, CUSTODY_TEST_PRINCIPAL)).rejects.toMatchObject({ code: 'RELATIONSHIP_NOT_ACTIVE' });
    await expect(changes.request({ requestId: randomUUID(), fundAccountNo: '99999999999999', accountStatus: 'FROZEN' }, CUSTODY_TEST_PRINCIPAL)).rejects.toMatchObject({ code: 'NOT_FOUND' });
    expect(await requestCount()).toBe(before);
  });
});
