import { randomUUID } from 'node:crypto';
import { bankCallRequestedFor, custodyFunctionResolved } from '@custody/contracts';
import { Outbox } from '@custody/messaging';
import { requireInfrastructure, uniqueFundAccountNo, type TestDatabase } from '@custody/testing';
import { BankCallIssuer } from '../engine/bank-call.issuer';
import { SagaEngine } from '../engine/saga-engine';
import type { Completion } from '../engine/saga-flow';
import { TimerPoller } from '../engine/timer-poller';
import { startSagaTestbed, type SagaTestbed } from '../testing/saga-testbed';
import { BankAccountChangeSaga } from './bank-account-change.saga';
import { CustomerDataChangeSaga } from './customer-data-change.saga';

const BANK = '1021000';
const SEALED_PASSWORD = { sealed: 'c2VhbGVkLWJhbmstcGFzc3dvcmQ=' };
const SEALED_ID_NUMBER = { sealed: 'c2VhbGVkLWlkLW51bWJlcg==' };
const CUSTOMER = { name: '张三', type: 'INDIVIDUAL' as const, idType: '10', idNumber: SEALED_ID_NUMBER };

/** F-3.4 S and F-3.5 S in the saga coordinator, against the real PostgreSQL: the call, its resends, the verdict. */
describe('the broker’s changes at a bank as sagas (11006, 11005)', () => {
  let testbed: SagaTestbed;
  let db: TestDatabase;
  let bankAccountChanges: BankAccountChangeSaga;
  let customerDataChanges: CustomerDataChangeSaga;
  let engine: SagaEngine;
  let poller: TimerPoller;

  beforeAll(async () => {
    await requireInfrastructure({ postgres: true });
    testbed = await startSagaTestbed('saga_changes_at_bank');
    db = testbed.db;
    await db.dataSource.transaction((m) => testbed.days.initBusinessDate(m, '2026-12-07'));
    const outbox = new Outbox('saga');
    const issuer = new BankCallIssuer(testbed.store, outbox, testbed.config);
    bankAccountChanges = new BankAccountChangeSaga(testbed.store, issuer, outbox, testbed.cycle);
    customerDataChanges = new CustomerDataChangeSaga(testbed.store, issuer, outbox, testbed.cycle);
    engine = new SagaEngine(testbed.store, [bankAccountChanges, customerDataChanges]);
    poller = new TimerPoller(db.dataSource, testbed.store, engine);
  });

  afterAll(() => db?.drop());

  const callsFor = async (fundAccountNo: string) => (await testbed.sent(bankCallRequestedFor(BANK).name)).filter((c) => c.fundAccountNo === fundAccountNo);
  const verdictsFor = async (functionId: string) => (await testbed.sent(custodyFunctionResolved.name)).filter((v) => v.functionId === functionId);
  const storedRow = async (functionId: string): Promise<{ state: string; text: string }> =>
    (await db.dataSource.query(`SELECT state, payload::text AS text FROM saga.sagas WHERE subject_id = $1`, [functionId]))[0];

  function complete(call: Record<string, unknown>, rest: Partial<Completion>) {
    return db.dataSource.transaction((m) =>
      engine.onCallCompleted(m, { callId: call.callId as string, bankCode: BANK, function: call.function as 'CHANGE_BANK_ACCOUNT', serialNo: call.serialNo as string, outcome: 'REPLIED', ...rest }),
    );
  }

  async function resendDue(functionId: string): Promise<void> {
    await db.dataSource.query(`UPDATE saga.timers SET due_at = now() WHERE fired_at IS NULL AND saga_id IN (SELECT saga_id FROM saga.sagas WHERE subject_id = $1)`, [functionId]);
    await poller.fireDue();
  }

  async function startBankAccountChange(withPassword = true) {
    const functionId = randomUUID();
    const fundAccountNo = uniqueFundAccountNo();
    const request = {
      function: 'CHANGE_BANK_ACCOUNT' as const,
      functionId,
      serialNo: `2026120710${Date.now().toString().slice(-10)}`,
      bankCode: BANK,
      fundAccountNo,
      currency: 'CNY' as const,
      oldBankAccountNo: '6222000000000001',
      newBankAccountNo: '6222000000000002',
      ...(withPassword ? { bankPassword: SEALED_PASSWORD } : {}),
      customer: CUSTOMER,
    };
    await db.dataSource.transaction((m) => bankAccountChanges.start(m, request));
    return { functionId, fundAccountNo, request };
  }

  it('F-3.4 S: 11006 goes to the bank with both accounts, the sealed password and the customer; unanswered or answered 1041 it is sent again under its serial; 0000 is the verdict naming both accounts', async () => {
    const { functionId, fundAccountNo, request } = await startBankAccountChange();
    const [first] = await callsFor(fundAccountNo);
    expect(first).toMatchObject({ function: 'CHANGE_BANK_ACCOUNT', serialNo: request.serialNo, businessDate: '2026-12-07', resend: false, bankAccountNo: '6222000000000001', newBankAccountNo: '6222000000000002', bankPassword: SEALED_PASSWORD, customer: CUSTOMER });

    await complete(first, { outcome: 'NO_REPLY' });
    await resendDue(functionId);
    const [, second] = await callsFor(fundAccountNo);
    expect(second).toMatchObject({ serialNo: request.serialNo, resend: true, bankPassword: SEALED_PASSWORD });
    await complete(second, { returnCode: '1041' });
    await resendDue(functionId);
    const third = (await callsFor(fundAccountNo))[2];
    expect(third).toMatchObject({ serialNo: request.serialNo, resend: true });
    expect(await verdictsFor(functionId)).toEqual([]);

    await complete(third, { returnCode: '0000', bankSerialNo: 'B0000000042' });
    expect(await verdictsFor(functionId)).toEqual([
      {
        functionId,
        function: 'CHANGE_BANK_ACCOUNT',
        serialNo: request.serialNo,
        bankCode: BANK,
        fundAccountNo,
        currency: 'CNY',
        businessDate: '2026-12-07',
        oldBankAccountNo: '6222000000000001',
        newBankAccountNo: '6222000000000002',
        status: 'SUCCEEDED',
        bankSerialNo: 'B0000000042',
      },
    ]);
    const row = await storedRow(functionId);
    expect(row.state).toBe('DONE');
    expect(row.text).not.toContain(SEALED_PASSWORD.sealed);
    expect(row.text).not.toContain(SEALED_ID_NUMBER.sealed);
  });

  it('F-3.4 S: a definite refusal (5016) is BANK_REJECTED with the code; a first call never written is BANK_UNAVAILABLE; neither is sent again', async () => {
    const refused = await startBankAccountChange(false);
    const [call] = await callsFor(refused.fundAccountNo);
    expect(call).not.toHaveProperty('bankPassword');
    await complete(call, { returnCode: '5016', returnMessage: '该账户不属于同一个客户' });
    expect(await verdictsFor(refused.functionId)).toEqual([
      expect.objectContaining({ status: 'FAILED', failure: { code: 'BANK_REJECTED', bankReturnCode: '5016', message: '该账户不属于同一个客户' } }),
    ]);

    const unsent = await startBankAccountChange();
    await complete((await callsFor(unsent.fundAccountNo))[0], { outcome: 'NOT_SENT', reason: 'breaker open' });
    expect(await verdictsFor(unsent.functionId)).toEqual([expect.objectContaining({ status: 'FAILED', failure: { code: 'BANK_UNAVAILABLE', message: 'breaker open' } })]);
    await resendDue(unsent.functionId);
    expect(await callsFor(unsent.fundAccountNo)).toHaveLength(1);
  });

  it('F-3.5 S: 11005 carries the customer with the contact data; a redelivered start makes no second call; 0000 is the verdict', async () => {
    const functionId = randomUUID();
    const fundAccountNo = uniqueFundAccountNo();
    const request = {
      function: 'CHANGE_CUSTOMER' as const,
      functionId,
      serialNo: `2026120710${Date.now().toString().slice(-10)}`,
      bankCode: BANK,
      fundAccountNo,
      currency: 'CNY' as const,
      customer: { ...CUSTOMER, phone: '13800000000', address: '北京市西城区金融街 1 号' },
    };
    await db.dataSource.transaction((m) => customerDataChanges.start(m, request));
    await db.dataSource.transaction((m) => customerDataChanges.start(m, request));
    const calls = await callsFor(fundAccountNo);
    expect(calls).toEqual([expect.objectContaining({ function: 'CHANGE_CUSTOMER', serialNo: request.serialNo, customer: request.customer })]);

    await complete(calls[0], { function: 'CHANGE_CUSTOMER', returnCode: '0000' });
    expect(await verdictsFor(functionId)).toEqual([
      { functionId, function: 'CHANGE_CUSTOMER', serialNo: request.serialNo, bankCode: BANK, fundAccountNo, currency: 'CNY', businessDate: '2026-12-07', status: 'SUCCEEDED' },
    ]);
    expect((await storedRow(functionId)).text).not.toContain(SEALED_ID_NUMBER.sealed);
  });
});
