import { randomUUID } from 'node:crypto';
import type { CustodyFunctionResolution } from '@custody/contracts';
import { Money } from '@custody/money';
import { DomainError } from '@custody/service-kit';
import { requireInfrastructure, uniqueDigits, type TestDatabase } from '@custody/testing';
import { createCustodyTestbed, CUSTODY_TEST_ID_NUMBER, CUSTODY_TEST_PRINCIPAL, type CustodyTestbed } from '../testing/custody-testbed';
import type { CustodyFunctionRequests } from './custody-function-requests';

const OLD = '1021000';
const NEW = '1051000';
const D = '2026-12-07';
const NEW_ACCOUNT = '6217000055556666';

/** F-3.6 S against the real PostgreSQL: what account refuses, records and sends for a change of custodian bank, and how it takes the verdict. */
describe('F-3.6 S: account on a change of custodian bank', () => {
  let db: TestDatabase;
  let testbed: CustodyTestbed;
  let requests: CustodyFunctionRequests;

  beforeAll(async () => {
    await requireInfrastructure({ postgres: true });
    testbed = await createCustodyTestbed('account-custodian-bank-change');
    db = testbed.db;
    requests = testbed.functionRequests;
  });

  afterAll(() => db?.drop());

  /** A fund account designated at OLD with bank account 6222000033334444 (pre-designated, then confirmed by the bank). */
  const designated = () => testbed.designated(OLD);
  const requested = (functionId: string) => testbed.functionRequested(functionId);

  const relationships = (fundAccountNo: string) =>
    db.dataSource.query(`SELECT id, bank_code, bank_account_no, custody_account_no, status, serial_no FROM account.custody_relationships WHERE fund_account_no = $1 ORDER BY created_at`, [fundAccountNo]);
  const change = (fundAccountNo: string, fields: Partial<{ requestId: string; newBankCode: string }> = {}) =>
    testbed.bankChanges.request({ requestId: randomUUID(), fundAccountNo, currency: 'CNY', newBankCode: NEW, newBankAccountNo: NEW_ACCOUNT, bankPassword: '246810', ...fields }, CUSTODY_TEST_PRINCIPAL);

  /** The verdict as transfer hands it on (`custody.function-applied`): the request takes it, then the change is applied. */
  async function applied(functionId: string, fields: Partial<CustodyFunctionResolution>): Promise<void> {
    const [payload] = await requested(functionId);
    const verdict: CustodyFunctionResolution = {
      functionId,
      function: 'CHANGE_CUSTODIAN_BANK',
      serialNo: payload.serialNo as string,
      bankCode: OLD,
      fundAccountNo: payload.fundAccountNo as string,
      currency: 'CNY',
      businessDate: D,
      status: 'SUCCEEDED',
      ...fields,
    };
    await db.dataSource.transaction(async (m) => {
      const request = await requests.resolve(m, verdict);
      if (request) await testbed.bankChanges.applied(m, request, verdict);
    });
  }

  const opened = (payload: Record<string, unknown>, at: 'NEW' | 'OLD') => ({
    balanceLeaving: Money.parse('500.00'),
    cancelledBankSerialNo: 'OLD-9001',
    opened: {
      bankCode: at === 'NEW' ? NEW : OLD,
      mode: at === 'NEW' ? ('DESIGNATE' as const) : ('PRE_DESIGNATE' as const),
      ...(at === 'NEW' ? { bankAccountNo: NEW_ACCOUNT } : {}),
      serialNo: (at === 'NEW' ? payload.openingSerialNo : payload.restoringSerialNo) as string,
      bankSerialNo: 'B-9002',
      custodyAccountNo: 'K-9003',
      openingBalance: Money.parse('500.00'),
      businessDate: D,
    },
  });

  it('F-3.6: the request goes out with three serials of its own, the old bank account, the new bank and account, the new account’s password and the customer sealed; a repeat is the same request', async () => {
    const { fundAccountNo } = await designated();
    const requestId = randomUUID();
    const id = await change(fundAccountNo, { requestId });
    expect(await change(fundAccountNo, { requestId })).toBe(id);
    const [payload, ...more] = await requested(id);
    expect(more).toEqual([]);
    expect(payload).toMatchObject({ function: 'CHANGE_CUSTODIAN_BANK', fundAccountNo, currency: 'CNY', bankCode: OLD, bankAccountNo: '6222000033334444', newBankCode: NEW, newBankAccountNo: NEW_ACCOUNT });
    expect(new Set([payload.serialNo, payload.openingSerialNo, payload.restoringSerialNo]).size).toBe(3);
    expect(testbed.sealer.open(payload.bankPassword as { sealed: string })).toBe('246810');
    expect(testbed.sealer.open((payload.customer as { idNumber: { sealed: string } }).idNumber)).toBe(CUSTODY_TEST_ID_NUMBER);
    expect(JSON.stringify(payload)).not.toMatch(/246810|110101199003071234/);
  });

  it('F-3.6: refused before anything is sent — an unknown bank, the bank it is at, no relationship, a frozen one, one already changing, or a second fund account of the customer at the new bank (§13)', async () => {
    const refusedWith = async (promise: Promise<unknown>, code: string) => {
      const error = await promise.catch((e: unknown) => e);
      expect(error).toBeInstanceOf(DomainError);
      expect(error).toMatchObject({ code });
    };
    const { fundAccountNo } = await designated();
    await refusedWith(change(fundAccountNo, { newBankCode: '9999999' }), 'UNKNOWN_BANK');
    await refusedWith(change(fundAccountNo, { newBankCode: OLD }), 'VALIDATION_FAILED');
    const { fundAccountNo: none } = await testbed.fundAccount();
    await refusedWith(change(none), 'RELATIONSHIP_NOT_ACTIVE');

    const frozen = await designated();
    await db.dataSource.transaction((m) => testbed.statusChanges.handle(m, testbed.statusChange(OLD, frozen.fundAccountNo, `B${uniqueDigits(12)}`, 'FROZEN')));
    await refusedWith(change(frozen.fundAccountNo), 'RELATIONSHIP_FROZEN');

    await change(fundAccountNo);
    await refusedWith(change(fundAccountNo), 'RELATIONSHIP_CHANGING');

    const atOld = await designated();
    const atNew = await testbed.preDesignated(NEW, atOld.customerNo);
    await refusedWith(change(atOld.fundAccountNo), 'BANK_ALREADY_USED');
    expect((await relationships(atNew.fundAccountNo)).map((r: { status: string }) => r.status)).toEqual(['PRE_DESIGNATED']);
    expect((await relationships(atOld.fundAccountNo)).map((r: { status: string }) => r.status)).toEqual(['DESIGNATED']);
  });

  it('F-3.6: once the new bank opened it, the old relationship is CANCELLED (the day’s 11004 at the old bank, 金额 the balance) and the new one DESIGNATED (its 11001, 金额 the opening balance); the answer is the new relationship', async () => {
    const { fundAccountNo, relationshipId } = await designated();
    const id = await change(fundAccountNo);
    const [payload] = await requested(id);
    await applied(id, { bankChange: opened(payload, 'NEW') });
    await applied(id, { bankChange: opened(payload, 'NEW') });

    const [old, moved, ...more] = await relationships(fundAccountNo);
    expect(more).toEqual([]);
    expect(old).toMatchObject({ id: relationshipId, bank_code: OLD, status: 'CANCELLED' });
    expect(moved).toMatchObject({ bank_code: NEW, bank_account_no: NEW_ACCOUNT, custody_account_no: 'K-9003', status: 'DESIGNATED', serial_no: payload.openingSerialNo });
    expect(await testbed.functionsOf(relationshipId)).toEqual(
      expect.arrayContaining([expect.objectContaining({ function_code: '11004', initiator: 'S', broker_serial_no: payload.serialNo, bank_serial_no: 'OLD-9001', amount: '500.00', status_after: 'CANCELLED' })]),
    );
    expect(await testbed.functionsOf(moved.id)).toEqual([
      expect.objectContaining({ function_code: '11001', initiator: 'S', broker_serial_no: payload.openingSerialNo, bank_serial_no: 'B-9002', amount: '500.00', status_after: 'DESIGNATED' }),
    ]);
    const answered = await requests.settledWithin(id, 0);
    expect(answered.answer).toEqual({ fundAccountNo, currency: 'CNY', bankCode: NEW, bankAccountNo: NEW_ACCOUNT, custodyAccountNo: 'K-9003', status: 'DESIGNATED' });
  });

  it('F-3.6: the new bank refused and the old bank holds the money again: the old relationship is CANCELLED, a PRE_DESIGNATED one opens at the old bank (its 11002), and the caller gets the new bank’s refusal', async () => {
    const { fundAccountNo, relationshipId } = await designated();
    const id = await change(fundAccountNo);
    const [payload] = await requested(id);
    const failure = { code: 'BANK_REJECTED', bankReturnCode: '5016', message: '非同一客户; restored' };
    await applied(id, { status: 'FAILED', failure, bankChange: opened(payload, 'OLD') });

    const [old, restored] = await relationships(fundAccountNo);
    expect(old).toMatchObject({ id: relationshipId, status: 'CANCELLED' });
    expect(restored).toMatchObject({ bank_code: OLD, bank_account_no: null, custody_account_no: 'K-9003', status: 'PRE_DESIGNATED', serial_no: payload.restoringSerialNo });
    expect(await testbed.functionsOf(restored.id)).toEqual([expect.objectContaining({ function_code: '11002', amount: '500.00', status_after: 'PRE_DESIGNATED' })]);
    await expect(requests.settledWithin(id, 0)).rejects.toMatchObject({ code: 'BANK_REJECTED', message: expect.stringContaining('restored') });
  });

  it('F-3.6: refused before the old bank acted (the ledger or the old bank): nothing changes, and the relationship may be changed again', async () => {
    const { fundAccountNo } = await designated();
    const id = await change(fundAccountNo);
    await applied(id, { status: 'FAILED', failure: { code: 'BANK_CHANGE_REFUSED', message: 'a hold of 20.00' } });
    expect((await relationships(fundAccountNo)).map((r: { status: string }) => r.status)).toEqual(['DESIGNATED']);
    await expect(requests.settledWithin(id, 0)).rejects.toMatchObject({ code: 'BANK_CHANGE_REFUSED' });
    await expect(change(fundAccountNo)).resolves.toEqual(expect.any(String));
  });
});
