import { randomUUID } from 'node:crypto';
import { bankCallRequestedFor, bankDayChanged, businessDateSwitched, transferOutcome } from '@custody/contracts';
import { BusinessDays, chinaDateOf, chinaInstantOf, DomainError } from '@custody/service-kit';
import { requireInfrastructure, uniqueFundAccountNo } from '@custody/testing';
import type { EntityManager } from 'typeorm';
import { startSagaTestbed, type SagaTestbed } from './testing/saga-testbed';
import { Money } from '@custody/money';

/** bank-protocol.md §7: the day at each bank, as the saga runs it, against the real PostgreSQL. */
describe('day cycle (real PostgreSQL)', () => {
  const [BANK_A, BANK_B] = ['1021000', '1051000'];
  let bed: SagaTestbed;
  let date: string;

  const tx = <T>(work: (m: EntityManager) => Promise<T>) => bed.db.dataSource.transaction(work);
  const topic = (def: { name: string }) => def.name;
  const dayCalls = async (fn: 'DAY_START' | 'DAY_END', bankCode: string, businessDate = date) =>
    (await bed.sent(topic(bankCallRequestedFor(bankCode)))).filter((c) => c.function === fn && c.businessDate === businessDate);
  const phases = async (bankCode: string) => (await bed.sent(topic(bankDayChanged))).filter((e) => e.bankCode === bankCode && e.businessDate === date).map((e) => e.phase);
  const phaseOf = async (bankCode: string, businessDate = date) => (await tx((m) => bed.days.find(m, bankCode, businessDate)))?.phase;
  const reply = (call: Record<string, unknown>, fields: Record<string, unknown> = { outcome: 'REPLIED', returnCode: '0000' }) =>
    tx((m) => bed.engine.onCallCompleted(m, { callId: call.callId as string, bankCode: call.bankCode as string, function: call.function as 'DAY_START', serialNo: call.serialNo as string, outcome: 'REPLIED', ...fields }));
  const fireTimers = async (sagaSubject: string) => {
    await bed.db.dataSource.query(`UPDATE saga.timers SET due_at = now() WHERE fired_at IS NULL AND saga_id IN (SELECT saga_id FROM saga.sagas WHERE subject_id = $1)`, [sagaSubject]);
    await bed.poller.fireDue();
  };

  beforeAll(async () => {
    await requireInfrastructure({ postgres: true });
    bed = await startSagaTestbed('saga_day_cycle');
    date = await tx((m) => bed.cycle.resume(m));
  });
  afterAll(() => bed?.db.drop());

  it("api.md: a fresh database starts on today's business day (China time), and 13012 is asked of every bank with that date", async () => {
    expect(date).toBe(new BusinessDays(bed.config.holidays).onOrAfter(chinaDateOf(new Date())));
    for (const bank of [BANK_A, BANK_B]) {
      expect(await dayCalls('DAY_START', bank)).toEqual([expect.objectContaining({ bankCode: bank, businessDate: date, function: 'DAY_START' })]);
      expect(await phaseOf(bank)).toBe('NOT_STARTED');
    }
  });

  it('a restart asks nothing twice: the day already asked for waits for its answer', async () => {
    await tx((m) => bed.cycle.resume(m));
    expect(await dayCalls('DAY_START', BANK_A)).toHaveLength(1);
  });

  it('§7 step 1: an unanswered 13012 is asked again with the same serial; 0000 opens the day (OPEN announced) and arms the window end', async () => {
    const [first] = await dayCalls('DAY_START', BANK_A);
    await reply(first, { outcome: 'NO_REPLY', reason: 'no reply within 1500 ms' });
    expect(await phaseOf(BANK_A)).toBe('NOT_STARTED');
    await fireTimers(`${BANK_A}:${date}`);
    const [, again] = await dayCalls('DAY_START', BANK_A);
    expect(again).toMatchObject({ serialNo: first.serialNo, businessDate: date });
    await reply(again);
    expect(await phaseOf(BANK_A)).toBe('OPEN');
    expect(await phases(BANK_A)).toEqual(['OPEN']);
    const [timer] = await bed.db.dataSource.query(
      `SELECT t.due_at FROM saga.timers t JOIN saga.sagas s USING (saga_id) WHERE s.subject_id = $1 AND t.purpose = 'WINDOW_END' AND t.fired_at IS NULL`,
      [`${BANK_A}:${date}`],
    );
    expect(new Date(timer.due_at).getTime()).toBe(chinaInstantOf(date, '24:00').getTime());
  });

  it('§7 step 1: a refusal of the date (1032) leaves the day NOT_STARTED and asks again later, with the same serial', async () => {
    const [first] = await dayCalls('DAY_START', BANK_B);
    await reply(first, { outcome: 'REPLIED', returnCode: '1032', returnMessage: '日期错' });
    expect(await phaseOf(BANK_B)).toBe('NOT_STARTED');
    await fireTimers(`${BANK_B}:${date}`);
    const [, again] = await dayCalls('DAY_START', BANK_B);
    expect(again.serialNo).toBe(first.serialNo);
    await reply(again);
    expect(await phaseOf(BANK_B)).toBe('OPEN');
  });

  it('§7 step 3: a close waits for the transfers of the day still at the bank, then ends it with 13011; 0000 → ENDED, and its close begins', async () => {
    // A withdrawal of the day whose 12002 is still unanswered.
    const transferId = randomUUID();
    await tx((m) =>
      bed.transfers.start(m, { transferId, type: 'SECURITIES_TO_BANK', serialNo: `2026112120${Date.now().toString().slice(-10)}`, businessDate: date, fundAccountNo: uniqueFundAccountNo(), currency: 'CNY', amount: Money.parse('10.00'), bankCode: BANK_A, bankAccountNo: '6200000001' }),
    );
    const view = await tx((m) => bed.cycle.close(m, date, BANK_A));
    expect(view.find((d) => d.bankCode === BANK_A)?.phase).toBe('ENDING');
    expect(await phases(BANK_A)).toEqual(['OPEN', 'ENDING']);
    await bed.poller.fireDue();
    expect(await dayCalls('DAY_END', BANK_A)).toEqual([]);

    const [original] = (await bed.sent(topic(bankCallRequestedFor(BANK_A)))).filter((c) => c.serialNo !== undefined && c.function === 'SECURITIES_TO_BANK' && c.businessDate === date);
    await reply(original, { function: 'SECURITIES_TO_BANK', outcome: 'REPLIED', returnCode: '0000' });
    await fireTimers(`${BANK_A}:${date}`);
    const [end] = await dayCalls('DAY_END', BANK_A);
    expect(end).toMatchObject({ function: 'DAY_END', businessDate: date });
    await reply(end);
    expect(await phaseOf(BANK_A)).toBe('RECONCILING');
    expect(await phases(BANK_A)).toEqual(['OPEN', 'ENDING', 'ENDED', 'RECONCILING']);
  });

  it('§7 step 3: a transfer of a day whose 13011 was answered is never sent: FAILED DAY_CLOSED, no call', async () => {
    const transferId = randomUUID();
    const fundAccountNo = uniqueFundAccountNo();
    await tx((m) =>
      bed.transfers.start(m, { transferId, type: 'BANK_TO_SECURITIES', serialNo: `2026112120${Date.now().toString().slice(-10)}`, businessDate: date, fundAccountNo, currency: 'CNY', amount: Money.parse('10.00'), bankCode: BANK_A, bankAccountNo: '6200000001' }),
    );
    expect((await bed.sent(topic(transferOutcome))).filter((o) => o.transferId === transferId)).toEqual([expect.objectContaining({ status: 'FAILED', failure: expect.objectContaining({ code: 'DAY_CLOSED' }) })]);
    for (const bank of bed.config.banks) expect((await bed.sent(topic(bankCallRequestedFor(bank.code)))).filter((c) => c.fundAccountNo === fundAccountNo)).toEqual([]);
    // Its saga is created and ended with no call made and no deadline set (issue 9: the saga is written with its first call).
    const [saga] = await bed.db.dataSource.query(
      `SELECT s.state, s.current_call_id, s.attempt, (SELECT count(*)::int FROM saga.bank_calls c WHERE c.saga_id = s.saga_id) AS calls,
              (SELECT count(*)::int FROM saga.timers t WHERE t.saga_id = s.saga_id) AS timers
         FROM saga.sagas s WHERE s.kind = 'TRANSFER' AND s.subject_id = $1`,
      [transferId],
    );
    expect(saga).toEqual({ state: 'DONE', current_call_id: null, attempt: 0, calls: 0, timers: 0 });
  });

  it("§7 step 3: the transfer window's end closes the bank's day by itself, as an operator's close would", async () => {
    expect(await phaseOf(BANK_B)).toBe('OPEN');
    await fireTimers(`${BANK_B}:${date}`); // WINDOW_END, then the ENDING_CHECK it arms
    await bed.poller.fireDue();
    expect(await phaseOf(BANK_B)).toBe('ENDING');
    expect(await dayCalls('DAY_END', BANK_B)).toHaveLength(1);
  });

  it('api.md: closing or deferring a date that is not the business date is DAY_CLOSED', async () => {
    await expect(tx((m) => bed.cycle.close(m, '2001-01-01'))).rejects.toThrow(new DomainError('DAY_CLOSED', `the business date is ${date}; 2001-01-01 is not open`));
    await expect(tx((m) => bed.cycle.defer(m, '2001-01-01', BANK_A, 'test'))).rejects.toThrow(DomainError);
  });

  it('domain.md §15: once every bank is finished (here: deferred), the date switches to the next business day and every bank is asked its 13012', async () => {
    await tx((m) => bed.cycle.defer(m, date, BANK_A, 'reconciliation waits for the bank'));
    expect(await bed.sent(topic(businessDateSwitched))).toEqual([]);
    await tx((m) => bed.cycle.defer(m, date, BANK_B, 'the bank is down'));
    const next = new BusinessDays(bed.config.holidays).after(date);
    expect(await bed.sent(topic(businessDateSwitched))).toEqual([expect.objectContaining({ businessDate: next, previousBusinessDate: date })]);
    expect(await tx((m) => bed.cycle.businessDate(m))).toBe(next);
    expect((await phases(BANK_B)).at(-1)).toBe('DEFERRED');
    for (const bank of [BANK_A, BANK_B]) expect(await dayCalls('DAY_START', bank, next)).toHaveLength(1);
  });
});
