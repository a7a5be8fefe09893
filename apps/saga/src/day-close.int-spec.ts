import { randomUUID } from 'node:crypto';
import {
  bankCallRequestedFor,
  bankDayChanged,
  bankFileStepRequested,
  brokerFilesRequested,
  businessDateSwitched,
  type DayFileDescriptor,
  summaryChecked,
  transferOutcome,
  transferSummarySchema,
} from '@custody/contracts';
import { BusinessDays } from '@custody/service-kit';
import { requireInfrastructure, uniqueFundAccountNo } from '@custody/testing';
import type { EntityManager } from 'typeorm';
import { DayOperations } from './day/day-operations.service';
import { startSagaTestbed, type SagaTestbed } from './testing/saga-testbed';
import { Money } from '@custody/money';

/** bank-protocol.md §7 steps 3–8: the close of a bank's day as the saga runs it, against the real PostgreSQL. */
describe('the close of a bank day (real PostgreSQL)', () => {
  const [BANK_A, BANK_B] = ['1021000', '1051000'];
  let bed: SagaTestbed;
  let date: string;
  let yyyymmdd: string;

  const tx = <T>(work: (m: EntityManager) => Promise<T>) => bed.db.dataSource.transaction(work);
  const sent = (def: { name: string }) => bed.sent(def.name);
  const calls = async (fn: string, bankCode: string) => (await sent(bankCallRequestedFor(bankCode))).filter((c) => c.function === fn);
  const phaseOf = async (bankCode: string) => (await tx((m) => bed.days.find(m, bankCode, date)))?.phase;
  const reply = (call: Record<string, unknown>, fields: Record<string, unknown> = { outcome: 'REPLIED', returnCode: '0000' }) =>
    tx((m) =>
      bed.engine.onCallCompleted(m, { callId: call.callId as string, bankCode: call.bankCode as string, function: call.function as 'DAY_START', serialNo: call.serialNo as string, outcome: 'REPLIED', ...fields }),
    );
  /** Fires the DAY saga's timers of `purpose` now. */
  const fire = async (bankCode: string, purpose: string) => {
    await bed.db.dataSource.query(
      `UPDATE saga.timers SET due_at = now() WHERE fired_at IS NULL AND purpose = $2 AND saga_id IN (SELECT saga_id FROM saga.sagas WHERE subject_id = $1)`,
      [`${bankCode}:${date}`, purpose],
    );
    await bed.poller.fireDue();
  };
  const descriptor = (fileName: string): DayFileDescriptor => ({
    fileName,
    side: fileName.startsWith('S_') ? 'S' : 'B',
    type: fileName.slice(2, 7) as DayFileDescriptor['type'],
    businessDate: date,
    busCode: '0001',
    fileLen: 20,
    fileMac: 'A'.repeat(64),
    fileTime: `${yyyymmdd}170000`,
  });
  const fileSteps = async (bankCode: string) => (await sent(bankFileStepRequested)).filter((s) => s.bankCode === bankCode);
  const completeStep = (step: Record<string, unknown>, outcome: 'DONE' | 'FAILED', reason?: string) =>
    tx((m) =>
      bed.dayClose.onFileStepCompleted(m, {
        stepId: step.stepId as string,
        bankCode: step.bankCode as string,
        businessDate: date,
        mode: step.mode as 'SEND',
        outcome,
        fileNames: step.fileNames as string[],
        ...(reason ? { reason } : {}),
      }),
    );
  const detailFiles = () => ['CHK01', 'CHK02', 'CHK03'].map((type) => `S_${type}_${yyyymmdd}.gz`);
  const SUMMARY = { depositCount: 1, depositAmount: '100.00', withdrawalCount: 0, withdrawalAmount: '0.00' };

  let unsettledTransferId: string;
  let transferCall: Record<string, unknown>;

  beforeAll(async () => {
    await requireInfrastructure({ postgres: true });
    bed = await startSagaTestbed('saga_day_close', undefined, { close: { bankFilesWaitMs: 600_000 } });
    date = await tx((m) => bed.cycle.resume(m));
    yyyymmdd = date.replaceAll('-', '');
    for (const bank of [BANK_A, BANK_B]) await reply((await calls('DAY_START', bank))[0]);
    unsettledTransferId = randomUUID();
    await tx((m) =>
      bed.transfers.start(m, {
        transferId: unsettledTransferId,
        type: 'SECURITIES_TO_BANK',
        serialNo: `2026120700${Date.now().toString().slice(-10)}`,
        businessDate: date,
        fundAccountNo: uniqueFundAccountNo(),
        currency: 'CNY',
        amount: Money.parse('10.00'),
        bankCode: BANK_A,
        bankAccountNo: '6200000001',
      }),
    );
    [transferCall] = await calls('SECURITIES_TO_BANK', BANK_A);
  });
  afterAll(() => bed?.db.drop());

  it('§7 step 3: a closing day that waited its limit ends with 13011; 0000 → ENDED with the snapshot naming the unsettled transfer, told UNKNOWN; the close begins (RECONCILING)', async () => {
    await tx((m) => bed.cycle.close(m, date, BANK_A));
    // The transfer's 12002 stays unanswered: past requestTimeoutMs × 3 the day ends regardless.
    bed.clock.at = new Date(bed.clock.now().getTime() + 3 * bed.config.banks[0].requestTimeoutMs + 1);
    await fire(BANK_A, 'ENDING_CHECK');
    const [end] = await calls('DAY_END', BANK_A);
    await reply(end);

    const changes = (await sent(bankDayChanged)).filter((e) => e.bankCode === BANK_A && e.businessDate === date);
    expect(changes.map((e) => e.phase)).toEqual(['OPEN', 'ENDING', 'ENDED', 'RECONCILING']);
    expect(changes[2].snapshot).toEqual({ unsettledTransferIds: [unsettledTransferId] });
    expect((await sent(transferOutcome)).filter((o) => o.transferId === unsettledTransferId)).toEqual([
      expect.objectContaining({ status: 'UNKNOWN', attempt: expect.stringContaining('reconciliation settles') }),
    ]);
    expect((await sent(brokerFilesRequested)).filter((r) => r.bankCode === BANK_A)).toEqual([{ bankCode: BANK_A, businessDate: date, step: 'DETAIL' }]);
    expect(await phaseOf(BANK_A)).toBe('RECONCILING');
  });

  it('§7 step 3: an answer arriving after 13011 for a transfer of the day is not applied: reconciliation settles it', async () => {
    await reply(transferCall, { function: 'SECURITIES_TO_BANK', outcome: 'REPLIED', returnCode: '0000', bankSerialNo: 'B1' });
    expect((await sent(transferOutcome)).filter((o) => o.transferId === unsettledTransferId).map((o) => o.status)).toEqual(['UNKNOWN']);
  });

  it('§7 step 3: a designation made after 13011 belongs to the next business date (its 11001 and its day files)', async () => {
    const relationshipId = randomUUID();
    await tx((m) =>
      bed.designations.start(m, {
        relationshipId,
        mode: 'DESIGNATE',
        serialNo: `2026120710${Date.now().toString().slice(-10)}`,
        fundAccountNo: uniqueFundAccountNo(),
        currency: 'CNY',
        bankCode: BANK_A,
        bankAccountNo: '6200000002',
        bankPassword: { sealed: 'x' },
        customer: { customerNo: 'C1', name: '张三', type: 'INDIVIDUAL', idType: '10', idNumber: { sealed: 'y' } },
      }),
    );
    const [designate] = (await calls('DESIGNATE', BANK_A)).slice(-1);
    expect(designate.businessDate).toBe(new BusinessDays(bed.config.holidays).after(date));
  });

  it('§7 step 4: the broker files ready → 13010 with their figures; the bank’s answer is recorded (MISMATCHED) and the detail files are sent', async () => {
    await tx((m) => bed.dayClose.onBrokerFilesReady(m, { bankCode: BANK_A, businessDate: date, step: 'DETAIL', files: detailFiles().map(descriptor), summary: transferSummarySchema.parse(SUMMARY) }));
    const [check] = await calls('SUMMARY_CHECK', BANK_A);
    expect(check).toMatchObject({ businessDate: date, summary: SUMMARY });
    // Unanswered once: asked again with the same serial.
    await reply(check, { function: 'SUMMARY_CHECK', outcome: 'NO_REPLY', reason: 'no reply' });
    expect(await fileSteps(BANK_A)).toEqual([]);
    await fire(BANK_A, 'RETRY_SUMMARY_CHECK');
    const [, again] = await calls('SUMMARY_CHECK', BANK_A);
    expect(again.serialNo).toBe(check.serialNo);
    const bankFigures = { ...SUMMARY, depositAmount: '90.00' };
    await reply(again, { function: 'SUMMARY_CHECK', outcome: 'REPLIED', returnCode: '0000', summaryCheck: { checkReturnCode: '5208', bank: bankFigures } });

    expect(await sent(summaryChecked)).toEqual([{ bankCode: BANK_A, businessDate: date, result: 'MISMATCHED', checkReturnCode: '5208', broker: SUMMARY, bank: bankFigures }]);
    expect(await fileSteps(BANK_A)).toEqual([expect.objectContaining({ mode: 'SEND', fileNames: detailFiles(), businessDate: date })]);
  });

  it('§5 step 4: a send the bank refused three times stalls the close (shown by GET /v1/day); closing the day again sends again', async () => {
    const [send] = await fileSteps(BANK_A);
    await completeStep(send, 'FAILED', 'S_CHK01: the bank refused 13005 with 5208 three times');
    const view = await new DayOperations(bed.db.dataSource, bed.cycle, bed.days, bed.closes, undefined as never, bed.clock).view();
    expect(view.banks.find((b) => b.bankCode === BANK_A)).toMatchObject({ phase: 'RECONCILING', stalledReason: expect.stringContaining('refused 13005') });
    await tx((m) => bed.cycle.close(m, date, BANK_A));
    const steps = await fileSteps(BANK_A);
    expect(steps).toHaveLength(2);
    // The first attempt's completion is stale now.
    await completeStep(send, 'DONE');
    expect((await tx((m) => bed.closes.find(m, BANK_A, date)))?.step).toBe('SEND_DETAIL');
    await completeStep(steps[1], 'DONE');
    expect((await tx((m) => bed.closes.find(m, BANK_A, date)))).toMatchObject({ step: 'AWAIT_DETAIL', stalledReason: null });
  });

  it('§7 step 5: the bank’s files not all come within the wait → the missing ones are fetched', async () => {
    await tx((m) => bed.dayClose.onBankFilesReceived(m, { bankCode: BANK_A, businessDate: date, via: 'PUSH', files: [descriptor(`B_CHK02_${yyyymmdd}.gz`)] }));
    await fire(BANK_A, 'BANK_FILES_WAIT');
    expect((await fileSteps(BANK_A)).filter((s) => s.mode === 'FETCH')).toEqual([
      expect.objectContaining({ fileNames: [`B_CHK01_${yyyymmdd}.gz`, `B_CHK03_${yyyymmdd}.gz`] }),
    ]);
  });

  it('§7 step 6: open breaks → AWAITING_ADJUSTMENTS with their count; a RESOLVE_UNKNOWN applied ends the transfer’s saga; the last resolved → S_CHK04 asked for', async () => {
    await tx((m) => bed.dayClose.onBreaksChanged(m, { bankCode: BANK_A, businessDate: date, stage: 'DETAIL', compared: true, openBreaks: 2 }));
    expect(await phaseOf(BANK_A)).toBe('AWAITING_ADJUSTMENTS');
    expect((await tx((m) => bed.days.find(m, BANK_A, date)))?.openBreaks).toBe(2);

    await tx((m) =>
      bed.transfers.onAdjustmentChanged(m, {
        adjustmentId: randomUUID(),
        breakId: randomUUID(),
        bankCode: BANK_A,
        businessDate: date,
        kind: 'RESOLVE_UNKNOWN',
        status: 'APPLIED',
        approvals: [],
        transferId: unsettledTransferId,
        transferStatus: 'SUCCEEDED',
      }),
    );
    const [saga] = await bed.db.dataSource.query(`SELECT state FROM saga.sagas WHERE kind = 'TRANSFER' AND subject_id = $1`, [unsettledTransferId]);
    expect(saga.state).toBe('DONE');

    await tx((m) => bed.dayClose.onBreaksChanged(m, { bankCode: BANK_A, businessDate: date, stage: 'DETAIL', compared: true, openBreaks: 0 }));
    expect(await phaseOf(BANK_A)).toBe('RECONCILING');
    expect((await sent(brokerFilesRequested)).filter((r) => r.bankCode === BANK_A).map((r) => r.step)).toEqual(['DETAIL', 'BALANCE']);
  });

  it('§7 step 7: S_CHK04 sent, no B_DIF04 within dif04WaitMs → RECONCILED; the date does not switch while bank B is open', async () => {
    await tx((m) => bed.dayClose.onBrokerFilesReady(m, { bankCode: BANK_A, businessDate: date, step: 'BALANCE', files: [descriptor(`S_CHK04_${yyyymmdd}.gz`)] }));
    const balance = (await fileSteps(BANK_A)).filter((s) => s.mode === 'SEND').at(-1)!;
    expect(balance.fileNames).toEqual([`S_CHK04_${yyyymmdd}.gz`]);
    await completeStep(balance, 'DONE');
    const [wait] = await bed.db.dataSource.query(
      `SELECT extract(epoch FROM due_at - now()) * 1000 AS in_ms FROM saga.timers t JOIN saga.sagas s USING (saga_id) WHERE s.subject_id = $1 AND t.purpose = 'DIF04_WAIT'`,
      [`${BANK_A}:${date}`],
    );
    expect(Number(wait.in_ms)).toBeGreaterThan(bed.config.dif04WaitMs - 60_000);
    await fire(BANK_A, 'DIF04_WAIT');
    expect(await phaseOf(BANK_A)).toBe('RECONCILED');
    expect(await sent(businessDateSwitched)).toEqual([]);
  });

  it('§7 step 7: a B_DIF04 after RECONCILED shows its breaks on the date without reopening the day', async () => {
    await tx((m) => bed.dayClose.onBreaksChanged(m, { bankCode: BANK_A, businessDate: date, stage: 'BALANCE', compared: true, openBreaks: 1 }));
    expect(await tx((m) => bed.days.find(m, BANK_A, date))).toMatchObject({ phase: 'RECONCILED', openBreaks: 1 });
  });

  it('§7 step 8: bank B deferred in its close → every bank finished → the date switches and the next 13012s go out', async () => {
    await tx((m) => bed.cycle.close(m, date, BANK_B));
    await fire(BANK_B, 'ENDING_CHECK');
    await reply((await calls('DAY_END', BANK_B))[0]);
    expect(await phaseOf(BANK_B)).toBe('RECONCILING');
    await tx((m) => bed.cycle.defer(m, date, BANK_B, 'the bank cannot take our files today'));
    const next = new BusinessDays(bed.config.holidays).after(date);
    expect(await sent(businessDateSwitched)).toEqual([expect.objectContaining({ businessDate: next, previousBusinessDate: date })]);
    for (const bank of [BANK_A, BANK_B]) expect((await calls('DAY_START', bank)).filter((c) => c.businessDate === next)).toHaveLength(1);
  });

  it('§7 step 8: a deferred day goes on with its remaining steps after the switch, its phase staying DEFERRED', async () => {
    await tx((m) => bed.dayClose.onBrokerFilesReady(m, { bankCode: BANK_B, businessDate: date, step: 'DETAIL', files: detailFiles().map(descriptor), summary: transferSummarySchema.parse(SUMMARY) }));
    const [check] = await calls('SUMMARY_CHECK', BANK_B);
    expect(check).toMatchObject({ businessDate: date });
    await reply(check, { function: 'SUMMARY_CHECK', outcome: 'REPLIED', returnCode: '0000', summaryCheck: { checkReturnCode: '0000', bank: SUMMARY } });
    expect(await fileSteps(BANK_B)).toEqual([expect.objectContaining({ mode: 'SEND', fileNames: detailFiles() })]);
    expect(await phaseOf(BANK_B)).toBe('DEFERRED');
  });
});
