import { randomBytes, randomUUID } from 'node:crypto';
import { type CustodyFunctionResolution } from '@custody/contracts';
import { ChinaCalendarDate, DomainError, IdempotencyStore } from '@custody/service-kit';
import { requireInfrastructure, type TestDatabase } from '@custody/testing';
import { AccountDayFileRepository } from '../day-files/account-day-file.repository';
import { createCustodyTestbed, CUSTODY_TEST_ID_NUMBER, CUSTODY_TEST_PRINCIPAL, type CustodyTestbed } from '../testing/custody-testbed';
import { CancellationService } from './cancellation.service';
import { CustodyFunctionRequests } from './custody-function-requests';

const BANK = '1021000';
const D = '2026-12-07';

/** F-3.8 S against the real PostgreSQL: what account refuses, records and sends for a cancellation, and how it takes the verdict. */
describe('F-3.8 S: account on a cancellation (11004)', () => {
  let db: TestDatabase;
  let testbed: CustodyTestbed;
  let cancellations: CancellationService;
  let requests: CustodyFunctionRequests;

  beforeAll(async () => {
    await requireInfrastructure({ postgres: true });
    testbed = await createCustodyTestbed('account-cancellation');
    db = testbed.db;
    requests = testbed.functionRequests;
    cancellations = new CancellationService(db.dataSource, new IdempotencyStore('account', randomBytes(32)), new ChinaCalendarDate(), requests);
  });

  afterAll(() => db?.drop());

  /** A fund account designated at BANK with bank account 6222000033334444 (pre-designated, then confirmed by the bank). */
  const designated = () => testbed.designated(BANK);

  const requested = (functionId: string) => testbed.functionRequested(functionId);

  const relationship = async (id: string) => (await db.dataSource.query(`SELECT status, account_status FROM account.custody_relationships WHERE id = $1`, [id]))[0];
  const requestCount = async () => (await db.dataSource.query(`SELECT count(*)::int AS n FROM account.custody_function_requests`))[0].n as number;
  const cancel = (fundAccountNo: string, requestId = randomUUID()) => cancellations.cancel({ requestId, fundAccountNo, currency: 'CNY' }, CUSTODY_TEST_PRINCIPAL);

  async function verdict(functionId: string, fields: Partial<CustodyFunctionResolution>): Promise<void> {
    const [payload] = await requested(functionId);
    await db.dataSource.transaction((m) =>
      requests.resolve(m, {
        functionId,
        function: 'CANCEL_DESIGNATION',
        serialNo: payload.serialNo as string,
        bankCode: BANK,
        fundAccountNo: payload.fundAccountNo as string,
        currency: 'CNY',
        businessDate: D,
        status: 'SUCCEEDED',
        ...fields,
      }),
    );
  }

  it("F-3.8: the request goes out with its serial, the linked bank account and the customer the 11004's Cust names, the ID number sealed", async () => {
    const { fundAccountNo } = await designated();
    const id = await cancel(fundAccountNo);
    const [payload] = await requested(id);
    expect(payload).toMatchObject({ function: 'CANCEL_DESIGNATION', fundAccountNo, currency: 'CNY', bankCode: BANK, bankAccountNo: '6222000033334444', customer: { name: '李四', type: 'INDIVIDUAL', idType: '10' } });
    expect(payload.serialNo).toMatch(/^\d{1,20}$/);
    expect(testbed.sealer.open((payload.customer as { idNumber: { sealed: string } }).idNumber)).toBe(CUSTODY_TEST_ID_NUMBER);
    expect(JSON.stringify(payload)).not.toContain(CUSTODY_TEST_ID_NUMBER);
  });

  it('profile §4.1: a pre-designated relationship is cancelled without a bank account', async () => {
    const { fundAccountNo } = await testbed.preDesignated(BANK);
    const [payload] = await requested(await cancel(fundAccountNo));
    expect(payload).toMatchObject({ function: 'CANCEL_DESIGNATION', fundAccountNo });
    expect(payload.bankAccountNo).toBeUndefined();
  });

  it('api.md: a repeated requestId is the same request; another cancellation while it is pending is RELATIONSHIP_CHANGING, nothing more goes out', async () => {
    const { fundAccountNo } = await designated();
    const requestId = randomUUID();
    const id = await cancel(fundAccountNo, requestId);
    expect(await cancel(fundAccountNo, requestId)).toBe(id);
    const before = await requestCount();
    await expect(cancel(fundAccountNo)).rejects.toMatchObject({ code: 'RELATIONSHIP_CHANGING' });
    expect(await requestCount()).toBe(before);
    expect(await requested(id)).toHaveLength(1);
  });

  it('11011: a frozen relationship is RELATIONSHIP_FROZEN; none in the currency RELATIONSHIP_NOT_ACTIVE; an unknown fund account NOT_FOUND; nothing recorded or sent', async () => {
    const { fundAccountNo, relationshipId } = await designated();
    await db.dataSource.query(`UPDATE account.custody_relationships SET account_status = 'FROZEN' WHERE id = $1`, [relationshipId]);
    const before = await requestCount();
    await expect(cancel(fundAccountNo)).rejects.toMatchObject({ code: 'RELATIONSHIP_FROZEN' });
    await expect(cancellations.cancel({ requestId: randomUUID(), fundAccountNo, currency: 'USD' }, CUSTODY_TEST_PRINCIPAL)).rejects.toMatchObject({ code: 'RELATIONSHIP_NOT_ACTIVE' });
    await expect(cancel('99999999999999')).rejects.toBeInstanceOf(DomainError);
    expect(await requestCount()).toBe(before);
  });

  it("F-3.8: the bank's 0000 cancels the relationship and records the day's 11004 (S, ScBal 0, CANCELLED) for CHK02/CHK03; a redelivered verdict changes nothing; the fund account can be designated again", async () => {
    const { fundAccountNo, relationshipId } = await designated();
    const files = new AccountDayFileRepository(db.dataSource);
    const waiting = await files.pendingCancellations(BANK);
    const id = await cancel(fundAccountNo);
    const [payload] = await requested(id);
    // The bank's CHK02/CHK03 wait while it is at the bank (SNAPSHOT_NOT_SETTLED), as for a designation.
    expect(await files.pendingCancellations(BANK)).toBe(waiting + 1);
    await verdict(id, { bankSerialNo: 'B900001' });
    expect(await files.pendingCancellations(BANK)).toBe(waiting);
    await verdict(id, { status: 'FAILED', failure: { code: 'BANK_REJECTED', bankReturnCode: '5316', message: 'x' } });

    expect(await relationship(relationshipId)).toMatchObject({ status: 'CANCELLED' });
    const answer = (await requests.settledWithin(id, 0)).answer;
    expect(answer).toEqual({ fundAccountNo, currency: 'CNY', bankCode: BANK, bankAccountNo: '6222000033334444', custodyAccountNo: 'K11003', status: 'CANCELLED' });
    const functions = await testbed.functionsOf(relationshipId);
    expect(functions.filter((f) => f.function_code === '11004')).toEqual([
      { function_code: '11004', initiator: 'S', bank_serial_no: 'B900001', broker_serial_no: payload.serialNo, bank_account_no: '6222000033334444', custody_account_no: 'K11003', business_date: D, status_after: 'CANCELLED', amount: '0.00' },
    ]);

    const chk02: unknown[] = [];
    for await (const row of files.chk02Rows(BANK, D)) chk02.push(row);
    expect(chk02).toContainEqual(expect.objectContaining({ fundAccountNo, bankAccountNo: '6222000033334444', statusAfter: 'CANCELLED' }));
    const chk03: unknown[] = [];
    for await (const row of files.chk03Rows(BANK, D)) chk03.push(row);
    expect(chk03).toContainEqual(expect.objectContaining({ functionCode: '11004', fundAccountNo, amount: '0.00', brokerSerialNo: payload.serialNo }));

    // A cancelled relationship is not live: the fund account opens a new one, and has none left to cancel.
    await expect(cancel(fundAccountNo)).rejects.toMatchObject({ code: 'RELATIONSHIP_NOT_ACTIVE' });
    const again = await testbed.designations.preDesignate({ requestId: randomUUID(), fundAccountNo, currency: 'CNY', bankCode: BANK }, CUSTODY_TEST_PRINCIPAL);
    expect(await relationship(again)).toMatchObject({ status: 'PENDING' });
  });

  it('a refusal — the ledger’s or the bank’s — is answered as the problem with its code; the relationship stays as it was', async () => {
    const { fundAccountNo, relationshipId } = await designated();
    const byBank = await cancel(fundAccountNo);
    await verdict(byBank, { status: 'FAILED', failure: { code: 'BANK_REJECTED', bankReturnCode: '5316', message: '该股东有资金余额' } });
    await expect(requests.settledWithin(byBank, 0)).rejects.toMatchObject({ code: 'BANK_REJECTED', extensions: { bankCode: BANK, bankReturnCode: '5316' } });
    expect(await relationship(relationshipId)).toMatchObject({ status: 'DESIGNATED' });

    const byLedger = await cancel(fundAccountNo);
    await verdict(byLedger, { status: 'FAILED', failure: { code: 'CANCELLATION_REFUSED', message: 'a balance of 10.00' } });
    await expect(requests.settledWithin(byLedger, 0)).rejects.toMatchObject({ code: 'CANCELLATION_REFUSED' });
    expect(await relationship(relationshipId)).toMatchObject({ status: 'DESIGNATED' });
    expect((await testbed.functionsOf(relationshipId)).map((f) => f.function_code)).not.toContain('11004');
  });
});
