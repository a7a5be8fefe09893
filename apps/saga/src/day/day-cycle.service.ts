import { Inject, Injectable, Logger } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import type { z } from 'zod';
import { bankDayChanged, type bankCallCompleted, businessDateSwitched, type DayPhase, transferOutcome } from '@custody/contracts';
import { Outbox } from '@custody/messaging';
import { BusinessDays, chinaDateOf, chinaInstantOf, Clock, CUSTODY_CONFIG, type CustodyConfig, DomainError, findBank, nextSerialNo } from '@custody/service-kit';
import { BankCallIssuer } from '../engine/bank-call.issuer';
import { withPayload } from '../engine/saga-flow';
import { SagaStore, type SagaRow, type TimerRow } from '../engine/saga-store';
import { BankDayRepository, type BankDay } from './bank-day.repository';
import { beginClose, type CloseDecision, type DayClose, openBreaksOf, phaseOf, retryStep } from './day-close-decisions';
import { DayCloseRepository } from './day-close.repository';
import { DayCloseSteps } from './day-close-steps';
import { type DayCallPurpose, decideDayCall, type DayStep } from './day-decisions';
import { dayPayload, type DayPayload } from './day-payload';

type Completion = z.infer<typeof bankCallCompleted.schema>;

/** What a deployment sets about its day cycle (saga.module.ts reads it from the environment). */
export interface DayCycleSettings {
  /**
   * CUSTODY_FIRST_BUSINESS_DATE: the business date a fresh database starts on, instead of today's (China time),
   * e.g. a broker moving onto the hub mid-week, or a test stack that must not cross a window end. Read only when
   * no business date exists yet.
   */
  readonly firstBusinessDate?: string;
}

export const DAY_CYCLE_SETTINGS = Symbol('DAY_CYCLE_SETTINGS');

/** How often a closing day looks again whether its transfers have settled. */
const ENDING_CHECK_MS = 500;
/** bank-protocol.md §7 step 3: a closing day waits at most this many request timeouts for its transfers. */
const ENDING_WAIT_TIMEOUTS = 3;

/** A stalled step of a day's close is tried again after this long, unless an operator closes the day again first. */
const STALLED_RETRY_MS = 5 * 60_000;

/** Phases from which the bank's day of D takes no new request of D from either side (bank-protocol.md §7 step 3). */
export const CLOSED_PHASES: readonly DayPhase[] = ['ENDED', 'RECONCILING', 'AWAITING_ADJUSTMENTS', 'RECONCILED', 'DEFERRED'];
const CLOSED: ReadonlySet<DayPhase> = new Set(CLOSED_PHASES);
/** Whether a bank's day in `phase` (undefined: not begun) takes no new request of its date any more. */
export function isClosedPhase(phase: DayPhase | undefined): boolean {
  return phase !== undefined && CLOSED.has(phase);
}
/** Phases a date switch may leave behind (domain.md §15: every bank reconciled, or deferred with a reason). */
const FINISHED: ReadonlySet<DayPhase> = new Set(['RECONCILED', 'DEFERRED']);
/** Phases of a day's close after 13011, which the close's own state decides (day-close-decisions.ts `phaseOf`). */
const CLOSING: ReadonlySet<DayPhase> = new Set(['RECONCILING', 'AWAITING_ADJUSTMENTS']);

/**
 * The day at each bank (bank-protocol.md §7, domain.md §15), a persisted state machine per bank and business
 * date: 13012 opens it (OPEN), the transfer window's end or an operator closes it (ENDING: no new transfers;
 * the transfers in flight are waited for), 13011 ends it (ENDED: the snapshot of D is taken, nothing of D is
 * retried, queried or reversed any more), the close of the day reconciles it with the bank (RECONCILING,
 * AWAITING_ADJUSTMENTS while breaks are open, RECONCILED; its steps in day-close-decisions.ts), and once every
 * bank is reconciled or deferred the business date switches and the next date's 13012 follows at once. Each
 * step is idempotent and every wait is a persisted timer, so a crash resumes from the phase the day is in.
 * One bank's day never waits for another's.
 */
@Injectable()
export class DayCycleService {
  private readonly logger = new Logger(DayCycleService.name);
  private readonly businessDays: BusinessDays;

  constructor(
    private readonly days: BankDayRepository,
    private readonly closes: DayCloseRepository,
    private readonly closeSteps: DayCloseSteps,
    private readonly store: SagaStore,
    private readonly calls: BankCallIssuer,
    private readonly outbox: Outbox,
    private readonly clock: Clock,
    @Inject(CUSTODY_CONFIG) private readonly config: CustodyConfig,
    @Inject(DAY_CYCLE_SETTINGS) private readonly settings: DayCycleSettings = {},
  ) {
    this.businessDays = new BusinessDays(config.holidays);
  }

  /**
   * At every start: a fresh database begins on today's business day (China time), and every bank's day of the
   * current date that has not been opened yet is asked for (13012). What is under way already is left alone.
   */
  async resume(manager: EntityManager): Promise<string> {
    await this.days.initBusinessDate(manager, this.businessDays.onOrAfter(this.settings.firstBusinessDate ?? chinaDateOf(this.clock.now())));
    const date = (await this.days.businessDate(manager, true))!;
    for (const bank of this.config.banks) await this.startDay(manager, bank.code, date);
    return date;
  }

  async businessDate(manager: EntityManager): Promise<string> {
    const date = await this.days.businessDate(manager);
    if (!date) throw new Error('the business date is not set yet: the day cycle has not started');
    return date;
  }

  /**
   * The date a movement made now at the bank belongs to (bank-protocol.md §7 step 3): the business date, or the next
   * business date once the bank's day of it has ended — an account function made after 13011 is on the next date's
   * files of both sides.
   */
  async dateOfNewMovement(manager: EntityManager, bankCode: string): Promise<string> {
    const date = await this.businessDate(manager);
    return (await this.closedFor(manager, bankCode, date)) ? this.businessDays.after(date) : date;
  }

  /** Whether the bank's day of `date` takes no new request of that date any more (13011 answered, or deferred). */
  async closedFor(manager: EntityManager, bankCode: string, date: string): Promise<boolean> {
    return isClosedPhase((await this.days.find(manager, bankCode, date))?.phase);
  }

  /**
   * `POST /v1/day/{businessDate}/close`: every bank still OPEN (or only `bankCode`) begins its day end; a bank
   * whose close is under way takes its current step again (a step that stalled waits for exactly this).
   */
  async close(manager: EntityManager, date: string, bankCode?: string): Promise<BankDay[]> {
    await this.requireCurrent(manager, date);
    for (const bank of this.banksNamed(bankCode)) {
      const day = await this.days.ensure(manager, bank, date);
      if (day.phase === 'OPEN') await this.beginEnding(manager, day);
      if (day.phase === 'RECONCILING') {
        this.logger.log({ bankCode: bank, businessDate: date }, "an operator closed the day again: the close's current step is taken again");
        await this.advanceClose(manager, bank, date, retryStep);
      }
    }
    return this.days.onDate(manager, date);
  }

  /**
   * `POST /v1/day/{businessDate}/defer?bankCode=`: the bank's remaining steps for the date are done later; the
   * date may switch without it. A reconciled day has nothing left to defer.
   */
  async defer(manager: EntityManager, date: string, bankCode: string, reason: string): Promise<BankDay[]> {
    await this.requireCurrent(manager, date);
    const [bank] = this.banksNamed(bankCode);
    const day = await this.days.ensure(manager, bank, date);
    if (!FINISHED.has(day.phase)) {
      this.logger.warn({ bankCode: bank, businessDate: date, phase: day.phase, reason }, 'bank day deferred by an operator');
      await this.changePhase(manager, day, 'DEFERRED', { deferredReason: reason });
      await this.switchDateWhenFinished(manager, date);
    }
    return this.days.onDate(manager, date);
  }

  /** 13012 or 13011 completed (or its deadline passed): the day moves on, or the call is made again later. */
  async onCallCompleted(manager: EntityManager, saga: SagaRow<DayPayload>, purpose: Exclude<DayCallPurpose, 'SUMMARY_CHECK'>, completion: Completion): Promise<void> {
    const day = (await this.days.lock(manager, saga.bank_code, saga.payload.businessDate))!;
    const decision = decideDayCall(purpose, completion, saga.attempt);
    if (!decision.done) {
      if (decision.alert) this.logger.error({ bankCode: day.bankCode, businessDate: day.businessDate }, decision.alert);
      else this.logger.warn({ bankCode: day.bankCode, businessDate: day.businessDate, retryInMs: decision.delayMs }, `day call not done: ${decision.why}`);
      await this.store.addTimer(manager, { saga_id: saga.saga_id, kind: 'DAY_STEP', call_id: null, purpose: decision.retry }, decision.delayMs);
      return;
    }
    if (purpose === 'DAY_START' && day.phase === 'NOT_STARTED') await this.open(manager, day, saga);
    if (purpose === 'DAY_END' && day.phase === 'ENDING') await this.end(manager, day, saga);
  }

  /**
   * One step of the close of a bank's day: `decide` takes the close as it stands and says what it becomes and
   * what is done next; the day's phase and open breaks follow, and a reconciled day may switch the date. A day
   * deferred after its 13011 goes on with its remaining steps as they become possible, after the date switch too
   * (§7 step 8: done later, by 13006/13007 where the bank's files did not come), its phase staying DEFERRED.
   */
  async advanceClose(manager: EntityManager, bankCode: string, date: string, decide: (close: DayClose) => CloseDecision): Promise<void> {
    // Lock order as everywhere in the saga: the saga row, then the bank's day, then its close.
    const saga = await this.daySaga(manager, bankCode, date);
    const day = await this.days.lock(manager, bankCode, date);
    const close = day && (await this.closes.lock(manager, bankCode, date));
    if (!day || !close) return;
    const decision = decide(close);
    const closing = CLOSING.has(day.phase);
    const stepsGoOn = closing || day.phase === 'DEFERRED';
    const next = stepsGoOn ? await this.closeSteps.carryOut(manager, saga, decision.close, decision.actions) : decision.close;
    if (next.stalledReason !== null && next.stalledReason !== close.stalledReason) {
      this.logger.error(
        { bankCode, businessDate: date, step: next.step, reason: next.stalledReason, retryInMs: STALLED_RETRY_MS },
        "the close of the bank's day is stalled: it is tried again by itself, or at once by closing the day again; deferring the bank lets the date switch",
      );
      await this.store.addTimer(manager, { saga_id: saga.saga_id, kind: 'DAY_STEP', call_id: null, purpose: 'RETRY_CLOSE_STEP' }, STALLED_RETRY_MS);
    }
    await this.closes.save(manager, next);
    await this.days.setOpenBreaks(manager, bankCode, date, openBreaksOf(next));
    if (!closing) return;
    const phase = phaseOf(next);
    if (phase !== day.phase) await this.changePhase(manager, day, phase);
    if (phase === 'RECONCILED') await this.switchDateWhenFinished(manager, date);
  }

  async onStep(manager: EntityManager, timer: TimerRow): Promise<void> {
    const saga = withPayload(await this.store.lock(manager, timer.saga_id), dayPayload);
    const day = (await this.days.lock(manager, saga.bank_code, saga.payload.businessDate))!;
    switch (timer.purpose as DayStep) {
      case 'WINDOW_END':
        if (day.phase === 'OPEN') await this.beginEnding(manager, day);
        return;
      case 'ENDING_CHECK':
        if (day.phase === 'ENDING') await this.endWhenSettled(manager, day, saga);
        return;
      case 'RETRY_DAY_START':
        if (day.phase === 'NOT_STARTED') await this.callBank(manager, saga, 'DAY_START');
        return;
      case 'RETRY_DAY_END':
        if (day.phase === 'ENDING') await this.callBank(manager, saga, 'DAY_END');
        return;
    }
  }

  private async startDay(manager: EntityManager, bankCode: string, date: string): Promise<void> {
    const day = await this.days.ensure(manager, bankCode, date);
    const saga = await this.daySaga(manager, bankCode, date);
    // A day already opened, or whose 13012 is in flight or waits for its retry, needs nothing more.
    if (day.phase !== 'NOT_STARTED' || saga.current_call_id !== null) return;
    await this.callBank(manager, saga, 'DAY_START');
  }

  private async open(manager: EntityManager, day: BankDay, saga: SagaRow<DayPayload>): Promise<void> {
    await this.changePhase(manager, day, 'OPEN');
    // bank-protocol.md §7 step 3: the window's end (China time, on the business date) ends the day by itself.
    const windowEnd = chinaInstantOf(day.businessDate, this.bank(day.bankCode).transferWindow.end);
    await this.store.addTimerAt(manager, { saga_id: saga.saga_id, kind: 'DAY_STEP', call_id: null, purpose: 'WINDOW_END' }, windowEnd);
  }

  private async beginEnding(manager: EntityManager, day: BankDay): Promise<void> {
    await this.changePhase(manager, day, 'ENDING', { endingSince: this.clock.now() });
    const saga = await this.daySaga(manager, day.bankCode, day.businessDate);
    await this.store.addTimer(manager, { saga_id: saga.saga_id, kind: 'DAY_STEP', call_id: null, purpose: 'ENDING_CHECK' }, 0);
  }

  /**
   * 13011 once no transfer of the day has a call at the bank in flight, or once the wait has lasted
   * `requestTimeoutMs` × 3: what is still uncertain then is settled by reconciliation, never by waiting longer.
   */
  private async endWhenSettled(manager: EntityManager, day: BankDay, saga: SagaRow<DayPayload>): Promise<void> {
    // 13011 asked already: its completion (or its retry) moves the day on.
    if (saga.payload.serials?.DAY_END !== undefined) return;
    const inFlight = await this.days.transfersInFlight(manager, day.bankCode, day.businessDate);
    const waitedMs = this.clock.now().getTime() - (day.endingSince ?? this.clock.now()).getTime();
    const limitMs = this.bank(day.bankCode).requestTimeoutMs * ENDING_WAIT_TIMEOUTS;
    if (inFlight > 0 && waitedMs < limitMs) {
      await this.store.addTimer(manager, { saga_id: saga.saga_id, kind: 'DAY_STEP', call_id: null, purpose: 'ENDING_CHECK' }, ENDING_CHECK_MS);
      return;
    }
    if (inFlight > 0) this.logger.warn({ bankCode: day.bankCode, businessDate: day.businessDate, inFlight, waitedMs }, 'ending the day with transfers still in flight; reconciliation settles them');
    await this.callBank(manager, saga, 'DAY_END');
  }

  /** Makes the day call again with the serial it was first made with: the bank answers a repeated `Ref` once. */
  private async callBank(manager: EntityManager, saga: SagaRow<DayPayload>, purpose: DayCallPurpose): Promise<void> {
    let serialNo = saga.payload.serials?.[purpose];
    if (serialNo === undefined) {
      serialNo = await nextSerialNo(manager, 'saga.serial_seq', 'saga', saga.payload.businessDate);
      await this.store.mergePayload(manager, saga.saga_id, { serials: { ...saga.payload.serials, [purpose]: serialNo } });
    }
    await this.calls.issue(manager, saga, purpose, { bankCode: saga.bank_code, function: purpose, serialNo, businessDate: saga.payload.businessDate, resend: false }, 'SENT');
  }

  /**
   * 13011 answered (§7 step 3): the snapshot of D is taken. Every transfer of D at the bank the saga still holds
   * open is told UNKNOWN — a transfer without a definite answer by now is settled by reconciliation, never by
   * a late reply — and the ENDED event names them, so the transfer service knows when its books are the
   * snapshot. The close begins at once.
   */
  private async end(manager: EntityManager, day: BankDay, saga: SagaRow<DayPayload>): Promise<void> {
    const unsettled = await this.days.openTransfers(manager, day.bankCode, day.businessDate);
    const attempt = `the bank's day ${day.businessDate} ended (13011) before a definite answer: reconciliation settles the transfer`;
    for (const transfer of unsettled) {
      await this.outbox.add(manager, transferOutcome, { transferId: transfer.transferId, status: 'UNKNOWN', attempt }, { key: transfer.fundAccountNo, businessDate: day.businessDate });
    }
    if (unsettled.length > 0) this.logger.warn({ bankCode: day.bankCode, businessDate: day.businessDate, unsettled: unsettled.length }, 'day ended with transfers not settled: reconciliation settles them');
    await this.changePhase(manager, day, 'ENDED', {}, { unsettledTransferIds: unsettled.map((t) => t.transferId) });
    const { close, actions } = beginClose(day.bankCode, day.businessDate);
    await this.closes.save(manager, await this.closeSteps.carryOut(manager, saga, close, actions));
    await this.changePhase(manager, { ...day, phase: 'ENDED' }, phaseOf(close));
  }

  private async changePhase(
    manager: EntityManager,
    day: BankDay,
    phase: DayPhase,
    extra: { deferredReason?: string; endingSince?: Date } = {},
    snapshot?: { unsettledTransferIds: string[] },
  ): Promise<void> {
    await this.days.setPhase(manager, day.bankCode, day.businessDate, phase, extra);
    const deferredReason = extra.deferredReason ?? day.deferredReason ?? undefined;
    await this.outbox.add(
      manager,
      bankDayChanged,
      {
        bankCode: day.bankCode,
        businessDate: day.businessDate,
        phase,
        ...(phase === 'DEFERRED' && deferredReason ? { deferredReason } : {}),
        ...(snapshot ? { snapshot } : {}),
        changedAt: this.clock.now().toISOString(),
      },
      { key: day.bankCode, businessDate: day.businessDate },
    );
    this.logger.log({ bankCode: day.bankCode, businessDate: day.businessDate, from: day.phase, to: phase }, 'bank day phase changed');
    if (FINISHED.has(phase)) await this.store.markDone(manager, (await this.daySaga(manager, day.bankCode, day.businessDate)).saga_id);
  }

  /** domain.md §15 step 7: once every bank's day of `date` is reconciled or deferred, the next business day begins. */
  private async switchDateWhenFinished(manager: EntityManager, date: string): Promise<void> {
    const current = await this.days.businessDate(manager, true);
    if (current !== date) return;
    const days = await this.days.onDate(manager, date);
    const finished = this.config.banks.every((bank) => days.some((day) => day.bankCode === bank.code && FINISHED.has(day.phase)));
    if (!finished) return;
    const next = this.businessDays.after(date);
    await this.days.switchBusinessDate(manager, next);
    await this.outbox.add(manager, businessDateSwitched, { businessDate: next, previousBusinessDate: date, switchedAt: this.clock.now().toISOString() }, { key: 'business-date', businessDate: next });
    this.logger.log({ from: date, to: next }, 'business date switched');
    for (const bank of this.config.banks) await this.startDay(manager, bank.code, next);
  }

  /** The DAY saga of the bank and date: created with the day, it carries the day's bank calls and timers. */
  async daySaga(manager: EntityManager, bankCode: string, date: string): Promise<SagaRow<DayPayload>> {
    const subject = `${bankCode}:${date}`;
    await this.store.create(manager, 'DAY', subject, bankCode, { businessDate: date } satisfies DayPayload);
    const saga = await this.store.lockBySubject(manager, 'DAY', subject);
    if (!saga) throw new Error(`the DAY saga ${subject} was not created`);
    return withPayload(saga, dayPayload);
  }

  private async requireCurrent(manager: EntityManager, date: string): Promise<void> {
    const current = await this.businessDate(manager);
    if (date !== current) throw new DomainError('DAY_CLOSED', `the business date is ${current}; ${date} is not open`);
  }

  private banksNamed(bankCode: string | undefined): string[] {
    if (bankCode === undefined) return this.config.banks.map((b) => b.code);
    this.bank(bankCode);
    return [bankCode];
  }

  private bank(bankCode: string) {
    const bank = findBank(this.config, bankCode);
    if (!bank) throw new DomainError('UNKNOWN_BANK', `bank ${bankCode} is not configured`);
    return bank;
  }
}
