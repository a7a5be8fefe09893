import { randomUUID } from 'node:crypto';
import { bankCallRequestedFor, type CustodianBankChangeRequested } from '@custody/contracts';
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

const OLD = '1021000';
const NEW = '1051000';
const D = '2026-12-07';
const SEALED_ID_NUMBER = { sealed: 'sealed-id-number-of-zhang-san' };
const SEALED_PASSWORD = { sealed: 'sealed-password-of-the-new-account' };

/**
 * F-3.6 S, the saga against the real PostgreSQL: the ledger closes, the old bank closes the custody account with the
 * whole balance (11004), the new bank opens one with it (11001); a refusal of the old bank reopens the ledger, a
 * refusal of the new bank has the old bank hold the money again (11002). Each call goes to its own bank's topic and is
 * sent again under its serial until that bank answers.
 */
describe('F-3.6 S: the change of custodian bank saga (real PostgreSQL)', () => {
  let testbed: SagaTestbed;
  let db: TestDatabase;
  let changes: CustodianBankChangeSaga;
  let answers: LedgerClosingAnswers;
  let engine: SagaEngine;
  let poller: TimerPoller;

  beforeAll(async () => {
    await requireInfrastructure({ postgres: true });
    testbed = await startSagaTestbed('saga_custodian_bank_change');
    db = testbed.db;
    const outbox = new Outbox('saga');
    const calls = new BankCallIssuer(testbed.store, outbox, testbed.config);
    changes = new CustodianBankChangeSaga(testbed.store, calls, outbox, testbed.cycle);
    answers = new LedgerClosingAnswers(testbed.store, new CustodyCancellationSaga(testbed.store, calls, outbox, testbed.cycle), changes);
    engine = new SagaEngine(testbed.store, [changes]);
    poller = new TimerPoller(db.dataSource, testbed.store, engine);
    await db.dataSource.transaction((m) => testbed.days.initBusinessDate(m, D));
  });

  afterAll(() => db?.drop());

  let serial = 0;
  const nextSerial = () => `2026120710${(Date.now() * 10 + (serial++ % 10)).toString().slice(-10)}`;
  function request(): CustodianBankChangeRequested {
    return {
      functionId: randomUUID(),
      function: 'CHANGE_CUSTODIAN_BANK',
      serialNo: nextSerial(),
      openingSerialNo: nextSerial(),
      restoringSerialNo: nextSerial(),
      bankCode: OLD,
      fundAccountNo: uniqueFundAccountNo(),
      currency: 'CNY',
      bankAccountNo: '6222000033334444',
      newBankCode: NEW,
      newBankAccountNo: '6217000055556666',
      bankPassword: SEALED_PASSWORD,
      customer: { name: '张三', type: 'INDIVIDUAL', idType: '10', idNumber: SEALED_ID_NUMBER },
    };
  }

  const start = (r: CustodianBankChangeRequested) => db.dataSource.transaction((m) => changes.start(m, r));
  const of = (r: CustodianBankChangeRequested) => (p: Record<string, unknown>) => p.functionId === r.functionId || p.fundAccountNo === r.fundAccountNo;
  const sent = async (topic: string, r: CustodianBankChangeRequested) => (await testbed.sent(topic)).filter(of(r));
  const closings = (r: CustodianBankChangeRequested) => sent('custody.internal.ledger.closing-requested.1', r);
  const reopenings = (r: CustodianBankChangeRequested) => sent('custody.internal.ledger.reopening-requested.1', r);
  const callsAt = (bankCode: string, r: CustodianBankChangeRequested) => sent(bankCallRequestedFor(bankCode).name, r);
  const verdicts = (r: CustodianBankChangeRequested) => sent('custody.internal.custody.function-resolved.1', r);
  const ledger = (r: CustodianBankChangeRequested) => ({ functionId: r.functionId, fundAccountNo: r.fundAccountNo, currency: r.currency, bankCode: r.bankCode });
  const closed = (r: CustodianBankChangeRequested, balance = '1234.56') => db.dataSource.transaction((m) => answers.decided(m, { ...ledger(r), decision: 'CLOSED', balance: Money.parse(balance) }));
  const complete = (call: Record<string, unknown>, rest: Record<string, unknown>) =>
    db.dataSource.transaction((m) =>
      engine.onCallCompleted(m, { callId: call.callId as string, bankCode: call.bankCode as string, function: call.function as 'DESIGNATE', serialNo: call.serialNo as string, outcome: 'REPLIED', ...rest }),
    );
  const row = async (r: CustodianBankChangeRequested): Promise<{ state: string; text: string }> =>
    (await db.dataSource.query(`SELECT state, payload::text AS text FROM saga.sagas WHERE subject_id = $1`, [r.functionId]))[0];
  const fireTimers = async (r: CustodianBankChangeRequested) => {
    await db.dataSource.query(`UPDATE saga.timers SET due_at = now() WHERE fired_at IS NULL AND saga_id IN (SELECT saga_id FROM saga.sagas WHERE subject_id = $1)`, [r.functionId]);
    await poller.fireDue();
  };

  it('F-3.6: the ledger closes first; the 11004 takes the whole balance out at the old bank, then the 11001 opens the new bank with it; its 0000 is the verdict, naming both banks’ serials', async () => {
    const r = request();
    await start(r);
    await start(r);
    expect(await closings(r)).toEqual([{ ...ledger(r), purpose: 'BANK_CHANGE' }]);
    expect((await row(r)).state).toBe('CLOSING_LEDGER');

    await closed(r);
    await closed(r);
    const [close, ...moreCloses] = await callsAt(OLD, r);
    expect(moreCloses).toEqual([]);
    expect(close).toMatchObject({ bankCode: OLD, function: 'CANCEL_DESIGNATION', serialNo: r.serialNo, businessDate: D, resend: false, bankAccountNo: r.bankAccountNo, balanceLeaving: '1234.56' });
    expect(await callsAt(NEW, r)).toEqual([]);

    await complete(close, { returnCode: '0000', bankSerialNo: 'OLD-7001' });
    const [open, ...moreOpens] = await callsAt(NEW, r);
    expect(moreOpens).toEqual([]);
    expect(open).toMatchObject({
      bankCode: NEW,
      function: 'DESIGNATE',
      serialNo: r.openingSerialNo,
      businessDate: D,
      resend: false,
      fundAccountNo: r.fundAccountNo,
      bankAccountNo: r.newBankAccountNo,
      bankPassword: SEALED_PASSWORD,
      openingBalance: '1234.56',
      customer: { name: '张三', idNumber: SEALED_ID_NUMBER },
    });
    expect(await verdicts(r)).toEqual([]);

    await complete(open, { returnCode: '0000', bankSerialNo: 'NEW-8001', custodyAccountNo: 'K-NEW-1' });
    expect(await verdicts(r)).toEqual([
      expect.objectContaining({
        functionId: r.functionId,
        function: 'CHANGE_CUSTODIAN_BANK',
        status: 'SUCCEEDED',
        bankCode: OLD,
        businessDate: D,
        bankChange: {
          balanceLeaving: '1234.56',
          cancelledBankSerialNo: 'OLD-7001',
          opened: { bankCode: NEW, mode: 'DESIGNATE', bankAccountNo: r.newBankAccountNo, serialNo: r.openingSerialNo, bankSerialNo: 'NEW-8001', custodyAccountNo: 'K-NEW-1', openingBalance: '1234.56', businessDate: D },
        },
      }),
    ]);
    expect(await row(r)).toMatchObject({ state: 'DONE' });
    const { text } = await row(r);
    expect(text).not.toContain(SEALED_ID_NUMBER.sealed);
    expect(text).not.toContain(SEALED_PASSWORD.sealed);
    expect(await reopenings(r)).toEqual([]);
  });

  it('F-3.6: the ledger refused (BANK_CHANGE_REFUSED): the request fails with its rule and no bank is asked', async () => {
    const r = request();
    await start(r);
    await db.dataSource.transaction((m) => answers.decided(m, { ...ledger(r), decision: 'REFUSED', refusal: { code: 'BANK_CHANGE_REFUSED', message: 'a hold of 20.00' } }));
    expect(await verdicts(r)).toEqual([expect.objectContaining({ status: 'FAILED', failure: { code: 'BANK_CHANGE_REFUSED', message: 'a hold of 20.00' } })]);
    expect(await callsAt(OLD, r)).toEqual([]);
    expect(await callsAt(NEW, r)).toEqual([]);
  });

  it("F-3.6: the old bank's definite refusal (5317) reopens the ledger, and only then is it the verdict; the new bank is never asked", async () => {
    const r = request();
    await start(r);
    await closed(r);
    const [close] = await callsAt(OLD, r);
    await complete(close, { returnCode: '5317', returnMessage: '该股东有冻结资金' });
    expect(await reopenings(r)).toEqual([ledger(r)]);
    expect(await verdicts(r)).toEqual([]);
    await db.dataSource.transaction((m) => answers.reopened(m, ledger(r)));
    expect(await verdicts(r)).toEqual([expect.objectContaining({ status: 'FAILED', failure: { code: 'BANK_REJECTED', bankReturnCode: '5317', message: '该股东有冻结资金' } })]);
    expect((await verdicts(r))[0]).not.toHaveProperty('bankChange');
    expect(await callsAt(NEW, r)).toEqual([]);
  });

  it('F-3.6: an unanswered 11001 is sent again to the new bank under its serial, and so is one that never left: the money has left the old bank, the change is never given up on a guess', async () => {
    const r = request();
    await start(r);
    await closed(r);
    await complete((await callsAt(OLD, r))[0], { returnCode: '0000', bankSerialNo: 'OLD-7002' });
    const [original] = await callsAt(NEW, r);
    await complete(original, { outcome: 'NOT_SENT', reason: 'no session' });
    expect(await row(r)).toMatchObject({ state: 'UNKNOWN' });
    await fireTimers(r);
    const again = (await callsAt(NEW, r)).at(-1)!;
    expect(again).toMatchObject({ serialNo: r.openingSerialNo, resend: true, openingBalance: '1234.56' });
    await complete(again, { outcome: 'NO_REPLY' });
    await fireTimers(r);
    const third = (await callsAt(NEW, r)).at(-1)!;
    expect(third).toMatchObject({ serialNo: r.openingSerialNo, resend: true });
    expect(third.callId).not.toBe(again.callId);
    expect(await verdicts(r)).toEqual([]);
    expect(await callsAt(OLD, r)).toHaveLength(1);
  });

  it("F-3.6: the new bank's definite refusal (5016) has the old bank hold the money again (11002, no bank account), and that is the verdict: FAILED, the relationship restored pre-designated", async () => {
    const r = request();
    await start(r);
    await closed(r);
    await complete((await callsAt(OLD, r))[0], { returnCode: '0000', bankSerialNo: 'OLD-7003' });
    await complete((await callsAt(NEW, r))[0], { returnCode: '5016', returnMessage: '非同一客户' });
    const [, restore, ...more] = await callsAt(OLD, r);
    expect(more).toEqual([]);
    expect(restore).toMatchObject({ bankCode: OLD, function: 'PRE_DESIGNATE', serialNo: r.restoringSerialNo, businessDate: D, resend: false, openingBalance: '1234.56' });
    expect(restore).not.toHaveProperty('bankAccountNo');
    expect(restore).not.toHaveProperty('bankPassword');
    expect(await verdicts(r)).toEqual([]);

    await complete(restore, { outcome: 'NO_REPLY' });
    await fireTimers(r);
    const again = (await callsAt(OLD, r)).at(-1)!;
    expect(again).toMatchObject({ function: 'PRE_DESIGNATE', serialNo: r.restoringSerialNo, resend: true });
    await complete(again, { returnCode: '0000', bankSerialNo: 'OLD-7004', custodyAccountNo: 'K-OLD-2' });
    const [verdict] = await verdicts(r);
    expect(verdict).toMatchObject({
      status: 'FAILED',
      failure: { code: 'BANK_REJECTED', bankReturnCode: '5016', message: expect.stringContaining(`bank ${OLD} again, in a pre-designated custody account`) },
      bankChange: {
        balanceLeaving: '1234.56',
        cancelledBankSerialNo: 'OLD-7003',
        opened: { bankCode: OLD, mode: 'PRE_DESIGNATE', serialNo: r.restoringSerialNo, bankSerialNo: 'OLD-7004', custodyAccountNo: 'K-OLD-2', openingBalance: '1234.56', businessDate: D },
      },
    });
    expect(verdict.bankChange).not.toHaveProperty('opened.bankAccountNo');
    expect(await reopenings(r)).toEqual([]);
    expect(await row(r)).toMatchObject({ state: 'DONE' });
  });
});
