import { Injectable, Logger } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import type { z } from 'zod';
import { type bankCallCompleted, type bankFileStepCompleted, type bankFilesReceived, type breaksChanged, type brokerFilesReady, summaryChecked } from '@custody/contracts';
import { Outbox } from '@custody/messaging';
import { withPayload } from '../engine/saga-flow';
import { SagaStore, type SagaRow, type TimerRow } from '../engine/saga-store';
import { BankDayRepository } from './bank-day.repository';
import { DayCycleService } from './day-cycle.service';
import {
  type CloseDecision,
  type DayClose,
  onBankFilesWaitOver,
  onBreaksChanged,
  onBrokerFilesReady,
  onDif04WaitOver,
  onFetchCompleted,
  onSendCompleted,
  onSummaryCheckDone,
  retryStep,
  SUMMARY_CHECK_ATTEMPTS,
} from './day-close-decisions';
import { DayCloseRepository } from './day-close.repository';
import { type CloseTimerStep, decideSummaryCheck } from './day-decisions';
import { dayPayload, type DayPayload } from './day-payload';

type Payload<T extends { schema: z.ZodTypeAny }> = z.infer<T['schema']>;

/**
 * What the close of a bank's day learns — from the reconciliation service, the bank adapter and its own timers —
 * turned into steps of the close (day-close-decisions.ts), each in the transaction of the message or timer.
 */
@Injectable()
export class DayCloseService {
  private readonly logger = new Logger(DayCloseService.name);

  constructor(
    private readonly cycle: DayCycleService,
    private readonly closes: DayCloseRepository,
    private readonly days: BankDayRepository,
    private readonly store: SagaStore,
    private readonly outbox: Outbox,
  ) {}

  async onBrokerFilesReady(manager: EntityManager, event: Payload<typeof brokerFilesReady>): Promise<void> {
    const names = event.files.map((file) => file.fileName);
    await this.cycle.advanceClose(manager, event.bankCode, event.businessDate, (close) => onBrokerFilesReady(close, event.step, names, event.summary));
  }

  /**
   * 13010 completed: the bank's answer is recorded for the reconciliation and the detail files go out; a 13010
   * unanswered or refused is asked again later. Runs under the DAY saga's lock (the engine took it), which every
   * change of the close takes first.
   */
  async onSummaryCheckCompleted(manager: EntityManager, saga: SagaRow<DayPayload>, completion: Payload<typeof bankCallCompleted>): Promise<void> {
    const { businessDate } = saga.payload;
    const close = await this.closes.find(manager, saga.bank_code, businessDate);
    if (!close || close.step !== 'SUMMARY_CHECK') return;
    const decision = decideSummaryCheck(completion, close.summaryAttempts, SUMMARY_CHECK_ATTEMPTS);
    if (!decision.done) {
      this.logger.warn({ bankCode: close.bankCode, businessDate, retryInMs: decision.delayMs }, `summary check not done: ${decision.why}`);
      await this.store.addTimer(manager, { saga_id: saga.saga_id, kind: 'DAY_STEP', call_id: null, purpose: 'RETRY_SUMMARY_CHECK' }, decision.delayMs);
      return;
    }
    if (decision.answer) {
      const broker = close.summary!;
      await this.outbox.add(manager, summaryChecked, { bankCode: close.bankCode, businessDate, ...decision.answer, broker }, { key: close.bankCode, businessDate });
      if (decision.answer.result === 'MISMATCHED') {
        this.logger.warn({ bankCode: close.bankCode, businessDate, broker, bank: decision.answer.bank }, "13010: the bank's sums differ from ours; detail reconciliation finds the breaks");
      }
    } else {
      this.logger.warn({ bankCode: close.bankCode, businessDate }, decision.why ?? 'summary check given up');
    }
    await this.cycle.advanceClose(manager, saga.bank_code, businessDate, onSummaryCheckDone);
  }

  async onFileStepCompleted(manager: EntityManager, event: Payload<typeof bankFileStepCompleted>): Promise<void> {
    const done = event.outcome === 'DONE';
    if (!done) this.logger.warn({ bankCode: event.bankCode, businessDate: event.businessDate, stepId: event.stepId, mode: event.mode, bankReturnCode: event.bankReturnCode, reason: event.reason }, 'file step with the bank failed');
    await this.cycle.advanceClose(manager, event.bankCode, event.businessDate, (close) =>
      event.mode === 'SEND' ? onSendCompleted(close, event.stepId, done, event.reason) : onFetchCompleted(close, event.stepId, done),
    );
  }

  /** The bank's files held now; they may come before 13011's answer reached the saga, so they are kept first. */
  async onBankFilesReceived(manager: EntityManager, event: Payload<typeof bankFilesReceived>): Promise<void> {
    await this.closes.recordBankFiles(manager, event.bankCode, event.businessDate, event.files.map((file) => file.fileName));
  }

  /**
   * The reconciliation's open breaks of the bank's date. Before the close has begun (an operator case of the
   * day, raised while it is open) only the count shown by `GET /v1/day` changes.
   */
  async onBreaksChanged(manager: EntityManager, event: Payload<typeof breaksChanged>): Promise<void> {
    const comparison = { compared: event.compared, openBreaks: event.openBreaks };
    const close = await this.closes.find(manager, event.bankCode, event.businessDate);
    if (!close) {
      if (event.stage === 'DETAIL') await this.days.setOpenBreaks(manager, event.bankCode, event.businessDate, event.openBreaks);
      return;
    }
    await this.cycle.advanceClose(manager, event.bankCode, event.businessDate, (current) => onBreaksChanged(current, event.stage, comparison));
  }

  async onStep(manager: EntityManager, timer: TimerRow): Promise<void> {
    const saga = withPayload(await this.store.lock(manager, timer.saga_id), dayPayload);
    const decide = this.stepDecision(timer.purpose as CloseTimerStep);
    await this.cycle.advanceClose(manager, saga.bank_code, saga.payload.businessDate, decide);
  }

  private stepDecision(step: CloseTimerStep): (close: DayClose) => CloseDecision {
    switch (step) {
      case 'BANK_FILES_WAIT':
        return onBankFilesWaitOver;
      case 'DIF04_WAIT':
        return (close) => {
          const decision = onDif04WaitOver(close);
          if (decision.close.step === 'DONE' && close.step !== 'DONE') {
            this.logger.warn({ bankCode: close.bankCode, businessDate: close.businessDate }, "no B_DIF04 within dif04WaitMs: the day is reconciled without it; a later one opens its breaks on the date");
          }
          return decision;
        };
      case 'RETRY_SUMMARY_CHECK':
        return (close) => (close.step === 'SUMMARY_CHECK' ? retryStep(close) : { close, actions: [] });
      case 'RETRY_CLOSE_STEP':
        return (close) => (close.stalledReason !== null ? retryStep(close) : { close, actions: [] });
    }
  }
}
