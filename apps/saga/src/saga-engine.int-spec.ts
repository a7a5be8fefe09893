import { randomUUID } from 'node:crypto';
import { bankCallRequestedFor } from '@custody/contracts';
import { requireInfrastructure, statementsDuring, uniqueFundAccountNo, type TestDatabase } from '@custody/testing';
import { type CustodyConfig } from '@custody/service-kit';
import { SEND_WINDOW_MS } from './engine/bank-call.issuer';
import type { DesignationSaga } from './designation/designation.saga';
import type { SagaEngine } from './engine/saga-engine';
import type { TimerPoller } from './engine/timer-poller';
import { SagaForgetDoneSecrets1732200000031 } from './migrations/1732200000031-saga-forget-done-secrets';
import { startSagaTestbed } from './testing/saga-testbed';
import { Money } from '@custody/money';
import type { TransferSaga } from './transfer/transfer.saga';

/** The saga coordinator's persisted state, timers and decisions against the real PostgreSQL. */
describe('saga engine (real PostgreSQL)', () => {
  const BANK = '1021000';
  /** config/custody.local.yaml: bank B accepts S-initiated 12004, bank A does not. */
  const BANK_ACCEPTING_12004 = '1051000';
  let db: TestDatabase;
  let engine: SagaEngine;
  let transfers: TransferSaga;
  let designations: DesignationSaga;
  let poller: TimerPoller;
  let config: CustodyConfig;

  beforeAll(async () => {
    await requireInfrastructure({ postgres: true });
    const testbed = await startSagaTestbed('saga_engine');
    ({ db, engine, transfers, designations, poller, config } = testbed);
    await db.dataSource.transaction((m) => testbed.days.initBusinessDate(m, '2026-11-21'));
  });

  afterAll(() => db?.drop());

  const sent = async (topic: string, filter: (p: Record<string, unknown>) => boolean) => {
    const rows: Array<{ envelope: { payload: Record<string, unknown> } }> = await db.dataSource.query(`SELECT envelope FROM saga.outbox WHERE topic = $1 ORDER BY id`, [topic]);
    return rows.map((r) => r.envelope.payload).filter(filter);
  };
  /** A call names no transfer, so each test's transfer gets its own fund account to find its calls by. */
  const fundAccountOf = new Map<string, string>();
  const bankOf = new Map<string, string>();
  /** The transfer's calls, on its bank's own topic (issue 9). */
  const calls = (transferId: string) => sent(bankCallRequestedFor(bankOf.get(transferId)!).name, (p) => p.fundAccountNo === fundAccountOf.get(transferId));
  const outcomes = (transferId: string) => sent('custody.internal.transfer.outcome.1', (p) => p.transferId === transferId);
  /** Makes one transfer's pending timers due now (not other tests'). */
  const makeTimersDue = (transferId: string) =>
    db.dataSource.query(`UPDATE saga.timers SET due_at = now() WHERE fired_at IS NULL AND saga_id IN (SELECT saga_id FROM saga.sagas WHERE subject_id = $1)`, [transferId]);

  async function startWithdrawal(type: 'SECURITIES_TO_BANK' | 'BANK_TO_SECURITIES' = 'SECURITIES_TO_BANK', bankCode = BANK, extra: { bankPassword?: { sealed: string } } = {}) {
    const transferId = randomUUID();
    const fundAccountNo = uniqueFundAccountNo();
    fundAccountOf.set(transferId, fundAccountNo);
    bankOf.set(transferId, bankCode);
    await db.dataSource.transaction((m) =>
      transfers.start(m, {
        transferId,
        type,
        serialNo: `2026112120${Date.now().toString().slice(-10)}`,
        businessDate: '2026-11-21',
        fundAccountNo,
        currency: 'CNY',
        amount: Money.parse('100.00'),
        bankCode,
        bankAccountNo: '6200000001',
        ...extra,
      }),
    );
    return transferId;
  }

  const complete = (call: Record<string, unknown>, rest: Record<string, unknown>) =>
    db.dataSource.transaction((m) =>
      engine.onCallCompleted(m, { callId: call.callId as string, bankCode: call.bankCode as string, function: call.function as 'SECURITIES_TO_BANK', serialNo: call.serialNo as string, outcome: 'REPLIED', ...rest }),
    );
  /** Fires the transfer's next call (after the back-off) and returns it. */
  const nextCall = async (transferId: string) => {
    await makeTimersDue(transferId);
    await poller.fireDue();
    return (await calls(transferId)).at(-1)!;
  };
  /** The original goes unanswered and the query finds the bank never saw it (1027). */
  const neverSeenByBank = async (transferId: string) => {
    const [original] = await calls(transferId);
    await complete(original, { outcome: 'NO_REPLY' });
    const query = await nextCall(transferId);
    await complete(query, { function: 'QUERY_RESULT', returnCode: '0000', originalReturnCode: '1027' });
    return original;
  };

  it("issue 9: a bank's calls go to its own topic, keyed by the bank; no other bank's topic carries them", async () => {
    const [atA, atB] = [await startWithdrawal('SECURITIES_TO_BANK', BANK), await startWithdrawal('SECURITIES_TO_BANK', BANK_ACCEPTING_12004)];
    const rowsOf = async (transferId: string): Promise<Array<{ topic: string; message_key: string }>> =>
      db.dataSource.query(`SELECT topic, message_key FROM saga.outbox WHERE envelope->>'type' = 'bank.call-requested' AND envelope->'payload'->>'fundAccountNo' = $1`, [fundAccountOf.get(transferId)]);
    expect(await rowsOf(atA)).toEqual([{ topic: 'custody.internal.bank.call-requested.1021000.1', message_key: BANK }]);
    expect(await rowsOf(atB)).toEqual([{ topic: 'custody.internal.bank.call-requested.1051000.1', message_key: BANK_ACCEPTING_12004 }]);
  });

  it('issue 9: a transfer that succeeds first time takes two statements to start (its saga created with its first call) and three to complete, its day read in each', async () => {
    const touched = (statements: string[]) =>
      statements
        .filter((sql) => !/^(START TRANSACTION|COMMIT)/.test(sql))
        .map((sql) => [...sql.matchAll(/(?:INSERT INTO|UPDATE|DELETE FROM|FROM|JOIN) "?(\w+)"?\."?(\w+)"?/g)].map(([, schema, table]) => `${schema}.${table}`).join(' '));
    let transferId = '';
    const starting = await statementsDuring(db.dataSource, async () => (transferId = await startWithdrawal()));
    expect(touched(starting)).toEqual(['saga.bank_days saga.sagas saga.bank_calls saga.timers', 'saga.outbox']);
    const [original] = await calls(transferId);
    const completing = await statementsDuring(db.dataSource, () => complete(original, { returnCode: '0000' }));
    // The outcome's outbox row is written last, with any other of the transaction's, right before COMMIT (Outbox).
    expect(touched(completing)).toEqual(['saga.bank_calls saga.timers saga.timers saga.bank_days saga.sagas', 'saga.sagas', 'saga.outbox']);
    expect((await outcomes(transferId)).map((o) => o.status)).toEqual(['SUCCEEDED']);
    const [saga] = (await db.dataSource.query(`SELECT state, current_call_id, attempt FROM saga.sagas WHERE subject_id = $1`, [transferId])) as Array<Record<string, unknown>>;
    expect(saga).toEqual({ state: 'DONE', current_call_id: original.callId, attempt: 1 });
    expect(await db.dataSource.query(`SELECT 1 FROM saga.timers WHERE call_id = $1`, [original.callId])).toEqual([]);
  });

  it('a redelivered start event creates no second saga and sends no second call', async () => {
    const transferId = await startWithdrawal();
    const [first] = await calls(transferId);
    const [{ payload }] = (await db.dataSource.query(`SELECT payload FROM saga.sagas WHERE subject_id = $1`, [transferId])) as Array<{ payload: never }>;
    await db.dataSource.transaction((m) => transfers.start(m, payload));
    expect(await calls(transferId)).toEqual([first]);
  });

  it('F-4.6: no reply → UNKNOWN, then a query (new serial, QryRef = the original) resolves it to SUCCEEDED', async () => {
    const transferId = await startWithdrawal();
    const [original] = await calls(transferId);
    await complete(original, { outcome: 'NO_REPLY' });
    expect((await outcomes(transferId)).map((o) => o.status)).toEqual(['UNKNOWN']);

    await makeTimersDue(transferId);
    await poller.fireDue();
    const [, query] = await calls(transferId);
    expect(query).toMatchObject({ function: 'QUERY_RESULT', queriedSerialNo: original.serialNo, queriedFunction: 'SECURITIES_TO_BANK' });
    expect(query.serialNo).not.toBe(original.serialNo);

    await complete(query, { function: 'QUERY_RESULT', returnCode: '0000', originalReturnCode: '0000' });
    expect((await outcomes(transferId)).map((o) => o.status)).toEqual(['UNKNOWN', 'SUCCEEDED']);
  });

  it('a completion delivered twice is applied once; a late completion of a superseded call is ignored', async () => {
    const transferId = await startWithdrawal();
    const [original] = await calls(transferId);
    await complete(original, { returnCode: '0000' });
    await complete(original, { returnCode: '0000' });
    await complete(original, { returnCode: '1002' });
    expect((await outcomes(transferId)).map((o) => o.status)).toEqual(['SUCCEEDED']);
  });

  it('the persisted deadline ends the wait when the adapter never reports (adapter died holding the call)', async () => {
    const transferId = await startWithdrawal();
    const [original] = await calls(transferId);
    await db.dataSource.query(`UPDATE saga.timers SET due_at = now() WHERE call_id = $1`, [original.callId]);
    await poller.fireDue();
    expect((await outcomes(transferId)).map((o) => o.status)).toEqual(['UNKNOWN']);
    // The adapter's report arriving after the deadline changes nothing.
    await complete(original, { returnCode: '0000' });
    expect((await outcomes(transferId)).map((o) => o.status)).toEqual(['UNKNOWN']);
  });

  it('F-4.5: a query finding the original never arrived resends it with the same serial and Resend', async () => {
    const transferId = await startWithdrawal();
    const [original] = await calls(transferId);
    await complete(original, { outcome: 'NO_REPLY' });
    await makeTimersDue(transferId);
    await poller.fireDue();
    const [, query] = await calls(transferId);
    await complete(query, { function: 'QUERY_RESULT', returnCode: '0000', originalReturnCode: '1027' });
    await makeTimersDue(transferId);
    await poller.fireDue();
    const [, , resend] = await calls(transferId);
    expect(resend).toMatchObject({ function: 'SECURITIES_TO_BANK', serialNo: original.serialNo, resend: true, amount: '100.00' });
    await complete(resend, { returnCode: '0000' });
    expect((await outcomes(transferId)).map((o) => o.status)).toEqual(['UNKNOWN', 'UNKNOWN', 'SUCCEEDED']);
  });

  it('item 6: every call carries a send budget (a duration, no instant of the saga\'s clock), and its deadline on the saga\'s own clock covers the budget and the bank\'s requestTimeoutMs', async () => {
    const transferId = await startWithdrawal();
    const [original] = await calls(transferId);
    expect(original.sendWithinMs).toBe(SEND_WINDOW_MS);
    expect(original).not.toHaveProperty('sendBy');
    const requestTimeoutMs = config.banks.find((b) => b.code === BANK)!.requestTimeoutMs;
    const [timer] = await db.dataSource.query(
      `SELECT extract(epoch FROM due_at - now()) * 1000 AS due_in_ms FROM saga.timers WHERE call_id = $1 AND kind = 'CALL_DEADLINE'`,
      [original.callId],
    );
    expect(Number(timer.due_in_ms)).toBeGreaterThan(SEND_WINDOW_MS + requestTimeoutMs);
  });

  it('issue 9: a call\'s deadline is cancelled in the transaction that completes the call; a later completion of it changes nothing', async () => {
    const transferId = await startWithdrawal();
    const [original] = await calls(transferId);
    const deadlines = () => db.dataSource.query(`SELECT timer_id FROM saga.timers WHERE call_id = $1 AND kind = 'CALL_DEADLINE'`, [original.callId]);
    expect(await deadlines()).toHaveLength(1);
    await complete(original, { returnCode: '0000' });
    expect(await deadlines()).toHaveLength(0);
    await complete(original, { outcome: 'NO_REPLY' });
    expect((await outcomes(transferId)).map((o) => o.status)).toEqual(['SUCCEEDED']);
  });

  it('a timer whose handling fails is postponed with its error, and the other timers still fire', async () => {
    const healthy = await startWithdrawal();
    const [original] = await calls(healthy);
    await complete(original, { outcome: 'NO_REPLY' });
    // A saga naming a bank that is no longer configured: its next call cannot be built.
    const [broken] = await db.dataSource.query(
      `INSERT INTO saga.sagas (saga_id, kind, subject_id, state, bank_code, payload) VALUES (gen_random_uuid(), 'TRANSFER', $1, 'UNKNOWN', '9999999', '{}') RETURNING saga_id`,
      [randomUUID()],
    );
    await db.dataSource.query(`INSERT INTO saga.timers (timer_id, saga_id, kind, purpose, due_at) VALUES (gen_random_uuid(), $1, 'NEXT_CALL', 'QUERY', now() - interval '1 second')`, [broken.saga_id]);
    await makeTimersDue(healthy);

    await poller.fireDue();
    const [postponed] = await db.dataSource.query(`SELECT failures, last_error, fired_at, due_at > now() AS later FROM saga.timers WHERE saga_id = $1`, [broken.saga_id]);
    expect(postponed).toMatchObject({ failures: 1, fired_at: null, later: true });
    expect(postponed.last_error).toMatch(/9999999/);
    expect((await calls(healthy)).map((c) => c.function)).toEqual(['SECURITIES_TO_BANK', 'QUERY_RESULT']);
  });

  it('an open breaker on the first send fails definitely with BANK_UNAVAILABLE', async () => {
    const transferId = await startWithdrawal();
    const [original] = await calls(transferId);
    await complete(original, { outcome: 'NOT_SENT', reason: 'breaker open' });
    expect(await outcomes(transferId)).toEqual([expect.objectContaining({ status: 'FAILED', failure: expect.objectContaining({ code: 'BANK_UNAVAILABLE' }) })]);
  });

  it('F-4.3 S: a deposit the bank never saw is reversed (12003, new serial, CnRef = original), repeated as is when unanswered, and ends REVERSED', async () => {
    const transferId = await startWithdrawal('BANK_TO_SECURITIES');
    const original = await neverSeenByBank(transferId);
    const reversal = await nextCall(transferId);
    expect(reversal).toMatchObject({ function: 'REVERSE_BANK_TO_SECURITIES', cancelledSerialNo: original.serialNo, amount: '100.00', bankAccountNo: '6200000001', fundAccountNo: original.fundAccountNo, resend: false });
    expect(reversal.serialNo).not.toBe(original.serialNo);

    await complete(reversal, { outcome: 'NO_REPLY' });
    const again = await nextCall(transferId);
    expect(again).toMatchObject({ function: 'REVERSE_BANK_TO_SECURITIES', serialNo: reversal.serialNo, cancelledSerialNo: original.serialNo });
    expect(again.callId).not.toBe(reversal.callId);

    await complete(again, { returnCode: '1005' });
    const statuses = (await outcomes(transferId)).map((o) => o.status);
    expect(statuses).toEqual(['UNKNOWN', 'UNKNOWN', 'UNKNOWN', 'REVERSED']);
    expect((await outcomes(transferId)).map((o) => o.attempt)).toEqual([
      expect.stringMatching(/^original #1/),
      expect.stringMatching(/^query #2: .*reversing/),
      expect.stringMatching(/^reversal #3: no reply/),
      expect.stringMatching(/^reversal #4: the bank never saw the original/),
    ]);
    const purposes = await db.dataSource.query(`SELECT c.purpose FROM saga.bank_calls c JOIN saga.sagas s USING (saga_id) WHERE s.subject_id = $1 ORDER BY c.created_at`, [transferId]);
    expect(purposes.map((r: { purpose: string }) => r.purpose)).toEqual(['ORIGINAL', 'QUERY', 'REVERSAL', 'REVERSAL']);
  });

  it('F-4.4 S: at a bank accepting 12004, a withdrawal never seen is reversed; 1008 (money already left the bank account) ends SUCCEEDED', async () => {
    const transferId = await startWithdrawal('SECURITIES_TO_BANK', BANK_ACCEPTING_12004);
    const original = await neverSeenByBank(transferId);
    const reversal = await nextCall(transferId);
    expect(reversal).toMatchObject({ function: 'REVERSE_SECURITIES_TO_BANK', cancelledSerialNo: original.serialNo });
    await complete(reversal, { returnCode: '1008' });
    expect((await outcomes(transferId)).map((o) => o.status)).toEqual(['UNKNOWN', 'UNKNOWN', 'SUCCEEDED']);
  });

  it('F-4.4 S: at a bank not accepting 12004, a withdrawal never seen is resent, never reversed', async () => {
    const transferId = await startWithdrawal('SECURITIES_TO_BANK', BANK);
    const original = await neverSeenByBank(transferId);
    expect(await nextCall(transferId)).toMatchObject({ function: 'SECURITIES_TO_BANK', serialNo: original.serialNo, resend: true });
  });

  it('a reversal refused as not offered (1034) falls back to resending the original, and is not tried again', async () => {
    const transferId = await startWithdrawal('BANK_TO_SECURITIES');
    const original = await neverSeenByBank(transferId);
    await complete(await nextCall(transferId), { returnCode: '1034' });
    const resend = await nextCall(transferId);
    expect(resend).toMatchObject({ function: 'BANK_TO_SECURITIES', serialNo: original.serialNo, resend: true });

    await complete(resend, { outcome: 'NO_REPLY' });
    const query = await nextCall(transferId);
    await complete(query, { function: 'QUERY_RESULT', returnCode: '0000', originalReturnCode: '1027' });
    expect(await nextCall(transferId)).toMatchObject({ function: 'BANK_TO_SECURITIES', serialNo: original.serialNo, resend: true });
  });

  it('a reversal the bank finds not matching the original (1007) leaves the transfer UNKNOWN and queries on', async () => {
    const transferId = await startWithdrawal('BANK_TO_SECURITIES');
    const original = await neverSeenByBank(transferId);
    await complete(await nextCall(transferId), { returnCode: '1007' });
    expect((await outcomes(transferId)).map((o) => o.status)).toEqual(['UNKNOWN', 'UNKNOWN', 'UNKNOWN']);
    expect(await nextCall(transferId)).toMatchObject({ function: 'QUERY_RESULT', queriedSerialNo: original.serialNo });
  });
  describe('item 4: sealed secrets kept for a bank call are deleted once the call ends the saga', () => {
    const SEALED_PASSWORD = { sealed: 'c2VhbGVkLWJhbmstcGFzc3dvcmQ=' };
    const SEALED_ID_NUMBER = { sealed: 'c2VhbGVkLWlkLW51bWJlcg==' };

    async function startDesignation() {
      const relationshipId = randomUUID();
      await db.dataSource.transaction((m) =>
        designations.start(m, {
          relationshipId,
          mode: 'DESIGNATE',
          serialNo: `2026112130${Date.now().toString().slice(-10)}`,
          fundAccountNo: relationshipId.slice(0, 8),
          currency: 'CNY',
          bankCode: BANK,
          bankAccountNo: '6200000002',
          bankPassword: SEALED_PASSWORD,
          customer: { customerNo: 'C1', name: '张三', type: 'INDIVIDUAL', idType: '10', idNumber: SEALED_ID_NUMBER },
        }),
      );
      const [call] = await sent(bankCallRequestedFor(BANK).name, (p) => p.fundAccountNo === relationshipId.slice(0, 8));
      return { relationshipId, call };
    }
    /** The saga's row as stored: what a reader of the database would find. */
    const storedRow = async (subjectId: string): Promise<{ state: string; text: string; payload: Record<string, unknown> }> => {
      const [row] = await db.dataSource.query(`SELECT state, payload, payload::text AS text FROM saga.sagas WHERE subject_id = $1`, [subjectId]);
      return row;
    };
    const completeDesignation = (call: Record<string, unknown>, rest: Record<string, unknown>) =>
      db.dataSource.transaction((m) => engine.onCallCompleted(m, { callId: call.callId as string, bankCode: BANK, function: 'DESIGNATE', serialNo: call.serialNo as string, outcome: 'REPLIED', ...rest }));

    it.each([
      ['designated (0000)', { returnCode: '0000', custodyAccountNo: 'K0001' }],
      ['refused for a wrong bank password (1001)', { returnCode: '1001' }],
      ['failed definitely before anything was sent (NOT_SENT)', { outcome: 'NOT_SENT', reason: 'breaker open' }],
    ])('F-3.3 S %s: the row keeps no sealed bank password or ID number', async (_case, completion) => {
      const { relationshipId, call } = await startDesignation();
      const before = await storedRow(relationshipId);
      expect(before.text).toContain(SEALED_PASSWORD.sealed);
      expect(before.text).toContain(SEALED_ID_NUMBER.sealed);

      await completeDesignation(call, completion);
      const after = await storedRow(relationshipId);
      expect(after.state).toBe('DONE');
      expect(after.text).not.toContain(SEALED_PASSWORD.sealed);
      expect(after.text).not.toContain(SEALED_ID_NUMBER.sealed);
      expect(after.payload).not.toHaveProperty('bankPassword');
      expect(after.payload).toMatchObject({ relationshipId, customer: { customerNo: 'C1', name: '张三', idType: '10' } });
      expect(after.payload).not.toHaveProperty('customer.idNumber');
    });

    it('bank-protocol.md §5 CHK02/CHK03: designation.resolved carries the business date the 11001 was made on, the bank\'s serial and the opening balance it carried', async () => {
      const { relationshipId, call } = await startDesignation();
      await completeDesignation(call, { returnCode: '0000', custodyAccountNo: 'K0003', bankSerialNo: 'B20261121000042' });
      const [resolution] = await sent('custody.internal.designation.resolved.1', (p) => p.relationshipId === relationshipId);
      expect(resolution).toMatchObject({ status: 'DESIGNATED', custodyAccountNo: 'K0003', businessDate: '2026-11-21', bankSerialNo: 'B20261121000042', openingBalance: '0.00' });
    });

    it('F-3.3 S unanswered: the secrets stay while the designation is re-sent (the resend carries them), and go when it ends', async () => {
      const { relationshipId, call } = await startDesignation();
      await completeDesignation(call, { outcome: 'NO_REPLY' });
      expect((await storedRow(relationshipId)).text).toContain(SEALED_PASSWORD.sealed);
      await makeTimersDue(relationshipId);
      await poller.fireDue();
      const resend = (await sent(bankCallRequestedFor(BANK).name, (p) => p.fundAccountNo === relationshipId.slice(0, 8))).at(-1)!;
      expect(resend).toMatchObject({ resend: true, bankPassword: SEALED_PASSWORD, customer: expect.objectContaining({ idNumber: SEALED_ID_NUMBER }) });
      await completeDesignation(resend, { returnCode: '0000', custodyAccountNo: 'K0002' });
      expect((await storedRow(relationshipId)).text).not.toContain(SEALED_PASSWORD.sealed);
      expect((await storedRow(relationshipId)).text).not.toContain(SEALED_ID_NUMBER.sealed);
    });

    it('the migration deletes the secrets of sagas that ended before this change, and leaves open ones alone', async () => {
      const payload = JSON.stringify({ bankPassword: SEALED_PASSWORD, customer: { name: '张三', idNumber: SEALED_ID_NUMBER } });
      const [done, open] = [randomUUID(), randomUUID()];
      for (const [subject, state] of [[done, 'DONE'], [open, 'SENT']]) {
        await db.dataSource.query(`INSERT INTO saga.sagas (saga_id, kind, subject_id, state, bank_code, payload) VALUES (gen_random_uuid(), 'DESIGNATION', $1, $2, $3, $4)`, [subject, state, BANK, payload]);
      }
      const runner = db.dataSource.createQueryRunner();
      try {
        await new SagaForgetDoneSecrets1732200000031().up(runner);
      } finally {
        await runner.release();
      }
      expect((await storedRow(done)).payload).toEqual({ customer: { name: '张三' } });
      expect((await storedRow(open)).payload).toEqual(JSON.parse(payload));
    });

    it('F-4.1 S: a deposit\'s sealed bank password is deleted when the transfer ends', async () => {
      const transferId = await startWithdrawal('BANK_TO_SECURITIES', BANK, { bankPassword: SEALED_PASSWORD });
      expect((await storedRow(transferId)).text).toContain(SEALED_PASSWORD.sealed);
      const [original] = await calls(transferId);
      await complete(original, { function: 'BANK_TO_SECURITIES', returnCode: '0000' });
      expect(await storedRow(transferId)).toMatchObject({ state: 'DONE' });
      expect((await storedRow(transferId)).text).not.toContain(SEALED_PASSWORD.sealed);
    });
  });
});
