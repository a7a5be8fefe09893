import { randomBytes, randomUUID } from 'node:crypto';
import type { CustodyFunctionResolution } from '@custody/contracts';
import { Outbox } from '@custody/messaging';
import { ChinaCalendarDate, IdempotencyStore } from '@custody/service-kit';
import { requireInfrastructure, uniqueDigits, type TestDatabase } from '@custody/testing';
import { CUSTODY_TEST_ID_NUMBER, CUSTODY_TEST_PRINCIPAL, createCustodyTestbed, type CustodyTestbed } from '../testing/custody-testbed';
import { customerServiceFor } from '../testing/customer-service';
import { AccountFunctionRepository } from './account-function.repository';
import { BankAccountChangeRequests } from './bank-account-change-request.service';
import { CustodyFunctionOutcomes } from './custody-function-outcomes';
import type { CustodyFunctionRequests } from './custody-function-requests';

const BANK = '1021000';
/** The bank account the testbed's confirmation links. */
const OLD = '6222000033334444';
const NEW = '6222000055556666';

/** F-3.4 S against the real PostgreSQL: what account checks, records and sends for a bank account change, and how it applies the bank's verdict. */
describe('F-3.4 S: account on a change of the bank settlement account (11006)', () => {
  let db: TestDatabase;
  let testbed: CustodyTestbed;
  let changes: BankAccountChangeRequests;
  let requests: CustodyFunctionRequests;
  let outcomes: CustodyFunctionOutcomes;

  beforeAll(async () => {
    await requireInfrastructure({ postgres: true });
    testbed = await createCustodyTestbed('account-bank-account-change');
    db = testbed.db;
    const outbox = new Outbox('account');
    const wired = customerServiceFor(db.dataSource, testbed.sealer, outbox);
    requests = wired.requests;
    changes = new BankAccountChangeRequests(db.dataSource, new IdempotencyStore('account', randomBytes(32)), testbed.sealer, new ChinaCalendarDate(), requests, new AccountFunctionRepository());
    outcomes = new CustodyFunctionOutcomes(requests, changes, wired.propagation, testbed.bankChanges);
  });

  afterAll(() => db?.drop());

  /** A fund account of 李四 designated at BANK with OLD (pre-designated, then confirmed by the bank). */
  const designated = () => testbed.designated(BANK);

  const body = (fundAccountNo: string, fields: Record<string, string> = {}) => ({ requestId: randomUUID(), fundAccountNo, currency: 'CNY' as const, oldBankAccountNo: OLD, newBankAccountNo: NEW, ...fields });

  const requested = (functionId: string) => testbed.functionRequested(functionId);

  const relationship = async (id: string) => (await db.dataSource.query(`SELECT status, bank_account_no FROM account.custody_relationships WHERE id = $1`, [id]))[0];
  const requestCount = async () => (await db.dataSource.query(`SELECT count(*)::int AS n FROM account.custody_function_requests WHERE function = 'CHANGE_BANK_ACCOUNT'`))[0].n;

  async function verdictFor(functionId: string, fields: Partial<CustodyFunctionResolution>): Promise<CustodyFunctionResolution> {
    const [payload] = await requested(functionId);
    return {
      functionId,
      function: 'CHANGE_BANK_ACCOUNT',
      serialNo: payload.serialNo as string,
      bankCode: BANK,
      fundAccountNo: payload.fundAccountNo as string,
      currency: 'CNY',
      businessDate: '2026-12-07',
      oldBankAccountNo: OLD,
      newBankAccountNo: NEW,
      status: 'SUCCEEDED',
      ...fields,
    };
  }

  it('F-3.4: the request goes out with its serial, both accounts, the customer (ID number sealed) and the old account’s password sealed; nothing changes yet', async () => {
    const { fundAccountNo, relationshipId } = await designated();
    const id = await changes.request(body(fundAccountNo, { bankPassword: '135790' }), CUSTODY_TEST_PRINCIPAL);
    const [payload] = await requested(id);
    expect(payload).toMatchObject({ function: 'CHANGE_BANK_ACCOUNT', fundAccountNo, currency: 'CNY', bankCode: BANK, oldBankAccountNo: OLD, newBankAccountNo: NEW, customer: { name: '李四', idType: '10' } });
    expect(payload.serialNo).toMatch(/^\d{20}$/);
    expect(testbed.sealer.open(payload.bankPassword as never)).toBe('135790');
    expect(testbed.sealer.open((payload.customer as { idNumber: never }).idNumber)).toBe(CUSTODY_TEST_ID_NUMBER);
    expect(JSON.stringify(payload)).not.toContain('135790');
    expect(JSON.stringify(payload)).not.toContain(CUSTODY_TEST_ID_NUMBER);
    expect(await relationship(relationshipId)).toEqual({ status: 'DESIGNATED', bank_account_no: OLD });
  });

  it('profile §4.1: the bank password is optional', async () => {
    const { fundAccountNo } = await designated();
    const [payload] = await requested(await changes.request(body(fundAccountNo), CUSTODY_TEST_PRINCIPAL));
    expect(payload.bankPassword).toBeUndefined();
  });

  it('api.md: a repeated requestId is the same request; nothing more goes to the bank', async () => {
    const { fundAccountNo } = await designated();
    const asked = body(fundAccountNo);
    const id = await changes.request(asked, CUSTODY_TEST_PRINCIPAL);
    expect(await changes.request(asked, CUSTODY_TEST_PRINCIPAL)).toBe(id);
    expect(await requested(id)).toHaveLength(1);
  });

  it('F-3.4: refusals before anything is sent — an old account not linked, the same account twice, a pre-designated relationship, a change in flight — record nothing', async () => {
    const { fundAccountNo } = await designated();
    const before = await requestCount();
    await expect(changes.request(body(fundAccountNo, { oldBankAccountNo: '6222000099990000' }), CUSTODY_TEST_PRINCIPAL)).rejects.toMatchObject({ code: 'VALIDATION_FAILED', extensions: { field: 'oldBankAccountNo' } });
    await expect(changes.request(body(fundAccountNo, { newBankAccountNo: OLD }), CUSTODY_TEST_PRINCIPAL)).rejects.toMatchObject({ code: 'VALIDATION_FAILED', extensions: { field: 'newBankAccountNo' } });
    const preDesignated = await testbed.preDesignated(BANK);
    await expect(changes.request(body(preDesignated.fundAccountNo), CUSTODY_TEST_PRINCIPAL)).rejects.toMatchObject({ code: 'RELATIONSHIP_NOT_ACTIVE' });
    await expect(changes.request(body('99999999999999'), CUSTODY_TEST_PRINCIPAL)).rejects.toMatchObject({ code: 'NOT_FOUND' });
    expect(await requestCount()).toBe(before);

    await changes.request(body(fundAccountNo), CUSTODY_TEST_PRINCIPAL);
    await expect(changes.request(body(fundAccountNo, { newBankAccountNo: '6222000077778888' }), CUSTODY_TEST_PRINCIPAL)).rejects.toMatchObject({ code: 'RELATIONSHIP_CHANGING' });
    expect(await requestCount()).toBe(before + 1);
  });

  it('profile §4.1 "11011": a frozen relationship is RELATIONSHIP_FROZEN', async () => {
    const { fundAccountNo } = await designated();
    const { inboundId, route, serialNo, businessDate, receivedAt } = testbed.confirmation(BANK, fundAccountNo, `B${uniqueDigits(12)}`);
    const freeze = { inboundId, bankCode: BANK, route, function: 'CHANGE_ACCOUNT_STATUS' as const, serialNo, businessDate, receivedAt, fundAccountNo, bankAccountNo: OLD, accountStatus: 'FROZEN' as const };
    await db.dataSource.transaction((m) => testbed.statusChanges.handle(m, freeze));
    await expect(changes.request(body(fundAccountNo), CUSTODY_TEST_PRINCIPAL)).rejects.toMatchObject({ code: 'RELATIONSHIP_FROZEN' });
  });

  it('F-3.4: once the bank changed it, the relationship takes the new account and the day’s 11006 is recorded (new account, 金额 0); the answer is kept for a repeat', async () => {
    const { fundAccountNo, relationshipId } = await designated();
    const asked = body(fundAccountNo);
    const id = await changes.request(asked, CUSTODY_TEST_PRINCIPAL);
    const verdict = await verdictFor(id, { bankSerialNo: 'B0000000777' });
    await db.dataSource.transaction((m) => outcomes.apply(m, verdict));
    await db.dataSource.transaction((m) => outcomes.apply(m, verdict));

    expect(await relationship(relationshipId)).toEqual({ status: 'DESIGNATED', bank_account_no: NEW });
    const recorded = (await testbed.functionsOf(relationshipId)).filter((f) => f.function_code === '11006');
    expect(recorded).toEqual([expect.objectContaining({ initiator: 'S', broker_serial_no: verdict.serialNo, bank_serial_no: 'B0000000777', bank_account_no: NEW, business_date: '2026-12-07', status_after: 'DESIGNATED' })]);
    const [{ amount }] = await db.dataSource.query(`SELECT amount::text FROM account.account_functions WHERE broker_serial_no = $1`, [verdict.serialNo]);
    expect(amount).toBe('0.00');
    const settled = await requests.settledWithin(id, 0);
    expect(settled.answer).toEqual({ fundAccountNo, currency: 'CNY', bankCode: BANK, bankAccountNo: NEW, custodyAccountNo: 'K11003', status: 'DESIGNATED' });
    expect(await changes.request(asked, CUSTODY_TEST_PRINCIPAL)).toBe(id);
  });

  it('a refusal by the bank changes nothing and answers BANK_REJECTED with its code', async () => {
    const { fundAccountNo, relationshipId } = await designated();
    const id = await changes.request(body(fundAccountNo), CUSTODY_TEST_PRINCIPAL);
    await db.dataSource.transaction(async (m) =>
      outcomes.apply(m, await verdictFor(id, { status: 'FAILED', failure: { code: 'BANK_REJECTED', bankReturnCode: '5016', message: '该账户不属于同一个客户' } })),
    );
    expect(await relationship(relationshipId)).toEqual({ status: 'DESIGNATED', bank_account_no: OLD });
    expect((await testbed.functionsOf(relationshipId)).map((f) => f.function_code)).not.toContain('11006');
    await expect(requests.settledWithin(id, 0)).rejects.toMatchObject({ code: 'BANK_REJECTED', extensions: { bankCode: BANK, bankReturnCode: '5016' } });
    // The change is over: another may be asked.
    await expect(changes.request(body(fundAccountNo), CUSTODY_TEST_PRINCIPAL)).resolves.toEqual(expect.any(String));
  });
});
