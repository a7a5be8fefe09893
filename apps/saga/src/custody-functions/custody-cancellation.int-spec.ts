import { randomUUID } from 'node:crypto';
import { bankCallRequestedFor, type CustodyCancellationRequest } from '@custody/contracts';
import { Outbox } from '@custody/messaging';
import { Money } from '@custody/money';
import { requireInfrastructure, uniqueFundAccountNo, type TestDatabase } from '@custody/testing';
import { BankCallIssuer } from '../engine/bank-call.issuer';
import { SagaEngine } from '../engine/saga-engine';
import { TimerPoller } from '../engine/timer-poller';
import { startSagaTestbed, type SagaTestbed } from '../testing/saga-testbed';
import { CustodianBankChangeSaga } from './custodian-bank-change.saga';
import { CustodyCancellationSaga } from './custody-cancellation.saga';
import { LedgerClosingAnswers } from './ledger-closing-answers';

const BANK = '1021000';
const D = '2026-12-07';
const SEALED_ID_NUMBER = { sealed: 'sealed-id-number-of-zhang-san' };

/**
 * F-3.8 S, the saga against the real PostgreSQL: the ledger is closed before the 11004 goes out, the 11004 is sent
 * again with its serial until the bank answers, and a refusal of the bank reopens the ledger before it is the verdict.
 */
describe('F-3.8 S: the cancellation saga (real PostgreSQL)', () => {
  let testbed: SagaTestbed;
  let db: TestDatabase;
  let cancellations: CustodyCancellationSaga;
  let answers: LedgerClosingAnswers;
  let engine: SagaEngine;
  let poller: TimerPoller;

  beforeAll(async () => {
    await requireInfrastructure({ postgres: true });
    testbed = await startSagaTestbed('saga_custody_cancellation');
    db = testbed.db;
    const outbox = new Outbox('saga');
    cancellations = new CustodyCancellationSaga(testbed.store, new BankCallIssuer(testbed.store, outbox, testbed.config), outbox, testbed.cycle);
    const calls = new BankCallIssuer(testbed.store, outbox, testbed.config);
    answers = new LedgerClosingAnswers(testbed.store, cancellations, new CustodianBankChangeSaga(testbed.store, calls, outbox, testbed.cycle));
    engine = new SagaEngine(testbed.store, [cancellations]);
    poller = new TimerPoller(db.dataSource, testbed.store, engine);
    await db.dataSource.transaction((m) => testbed.days.initBusinessDate(m, D));
  });

  afterAll(() => db?.drop());

  function request(): CustodyCancellationRequest {
    return {
      functionId: randomUUID(),
      function: 'CANCEL_DESIGNATION',
      serialNo: `2026120710${Date.now().toString().slice(-10)}`,
      bankCode: BANK,
      fundAccountNo: uniqueFundAccountNo(),
      currency: 'CNY',
      bankAccountNo: '6222000033334444',
      customer: { name: '张三', type: 'INDIVIDUAL', idType: '10', idNumber: SEALED_ID_NUMBER },
    };
  }

  const start = (r: CustodyCancellationRequest) => db.dataSource.transaction((m) => cancellations.start(m, r));
  const of = (r: CustodyCancellationRequest) => (p: Record<string, unknown>) => p.functionId === r.functionId || p.fundAccountNo === r.fundAccountNo;
  const sent = async (topic: string, r: CustodyCancellationRequest) => (await testbed.sent(topic)).filter(of(r));
  const closings = (r: CustodyCancellationRequest) => sent('custody.internal.ledger.closing-requested.1', r);
  const reopenings = (r: CustodyCancellationRequest) => sent('custody.internal.ledger.reopening-requested.1', r);
  const calls = (r: CustodyCancellationRequest) => sent(bankCallRequestedFor(BANK).name, r);
  const verdicts = (r: CustodyCancellationRequest) => sent('custody.internal.custody.function-resolved.1', r);
  const ledger = (r: CustodyCancellationRequest) => ({ functionId: r.functionId, fundAccountNo: r.fundAccountNo, currency: r.currency, bankCode: r.bankCode });
  const closed = (r: CustodyCancellationRequest) => db.dataSource.transaction((m) => answers.decided(m, { ...ledger(r), decision: 'CLOSED', balance: Money.zero() }));
  const reopened = (r: CustodyCancellationRequest) => db.dataSource.transaction((m) => answers.reopened(m, ledger(r)));
  const complete = (call: Record<string, unknown>, rest: Record<string, unknown>) =>
    db.dataSource.transaction((m) => engine.onCallCompleted(m, { callId: call.callId as string, bankCode: BANK, function: 'CANCEL_DESIGNATION', serialNo: call.serialNo as string, outcome: 'REPLIED', ...rest }));
  const row = async (r: CustodyCancellationRequest): Promise<{ state: string; text: string }> =>
    (await db.dataSource.query(`SELECT state, payload::text AS text FROM saga.sagas WHERE subject_id = $1`, [r.functionId]))[0];

  it('F-3.8: the ledger closes first; then the 11004 goes with ScBal 0.00, the customer and the bank account; 0000 is the verdict, on the bank day it was made', async () => {
    const r = request();
    await start(r);
    await start(r);
    expect(await closings(r)).toEqual([{ ...ledger(r), purpose: 'CANCELLATION' }]);
    expect(await calls(r)).toEqual([]);
    expect((await row(r)).state).toBe('CLOSING_LEDGER');

    await closed(r);
    await closed(r);
    const [call, ...more] = await calls(r);
    expect(more).toEqual([]);
    expect(call).toMatchObject({ function: 'CANCEL_DESIGNATION', serialNo: r.serialNo, businessDate: D, resend: false, fundAccountNo: r.fundAccountNo, bankAccountNo: '6222000033334444', balanceLeaving: '0.00', customer: { name: '张三', idNumber: SEALED_ID_NUMBER } });

    await complete(call, { returnCode: '0000', bankSerialNo: 'B7001' });
    expect(await verdicts(r)).toEqual([expect.objectContaining({ functionId: r.functionId, function: 'CANCEL_DESIGNATION', status: 'SUCCEEDED', bankSerialNo: 'B7001', businessDate: D, serialNo: r.serialNo })]);
    expect(await row(r)).toMatchObject({ state: 'DONE' });
    expect((await row(r)).text).not.toContain(SEALED_ID_NUMBER.sealed);
    expect(await reopenings(r)).toEqual([]);
  });

  it('F-3.8: the ledger refused (CANCELLATION_REFUSED): the request fails with its rule, nothing goes to the bank', async () => {
    const r = request();
    await start(r);
    await db.dataSource.transaction((m) => answers.decided(m, { ...ledger(r), decision: 'REFUSED', refusal: { code: 'CANCELLATION_REFUSED', message: 'a balance of 10.00' } }));
    await closed(r);
    expect(await verdicts(r)).toEqual([expect.objectContaining({ status: 'FAILED', failure: { code: 'CANCELLATION_REFUSED', message: 'a balance of 10.00' } })]);
    expect(await calls(r)).toEqual([]);
    expect(await row(r)).toMatchObject({ state: 'DONE' });
  });

  it("an unanswered 11004 is sent again with its serial; the bank's 5316 reopens the ledger, and only once it is open is the refusal the verdict", async () => {
    const r = request();
    await start(r);
    await closed(r);
    const [original] = await calls(r);
    await complete(original, { outcome: 'NO_REPLY' });
    expect(await row(r)).toMatchObject({ state: 'UNKNOWN' });
    await db.dataSource.query(`UPDATE saga.timers SET due_at = now() WHERE fired_at IS NULL AND saga_id IN (SELECT saga_id FROM saga.sagas WHERE subject_id = $1)`, [r.functionId]);
    await poller.fireDue();
    const resend = (await calls(r)).at(-1)!;
    expect(resend).toMatchObject({ serialNo: r.serialNo, resend: true, balanceLeaving: '0.00' });
    expect(resend.callId).not.toBe(original.callId);

    await complete(resend, { returnCode: '5316', returnMessage: '该股东有资金余额' });
    expect(await reopenings(r)).toEqual([ledger(r)]);
    expect(await verdicts(r)).toEqual([]);
    expect(await row(r)).toMatchObject({ state: 'REOPENING_LEDGER' });

    await reopened(r);
    await reopened(r);
    expect(await verdicts(r)).toEqual([expect.objectContaining({ status: 'FAILED', failure: { code: 'BANK_REJECTED', bankReturnCode: '5316', message: '该股东有资金余额' } })]);
    expect(await row(r)).toMatchObject({ state: 'DONE' });
  });
});
