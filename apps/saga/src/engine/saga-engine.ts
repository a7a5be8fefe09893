import { Inject, Injectable, Logger } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import type { z } from 'zod';
import { designationResolved, transferOutcome, type adjustmentChanged, type bankCallCompleted, type BankCallRequestInput, type designationRequested, type transferRequested } from '@custody/contracts';
import { Outbox } from '@custody/messaging';
import { CUSTODY_CONFIG, type CustodyConfig, findBank, nextSerialNo } from '@custody/service-kit';
import { decideDesignation } from '../designation/designation-decisions';
import { LedgerClient } from '../designation/ledger-client';
import { DayCloseService } from '../day/day-close.service';
import { DayCycleService, isClosedPhase } from '../day/day-cycle.service';
import { CLOSE_TIMER_STEPS, type DayCallPurpose } from '../day/day-decisions';
import type { DayPayload } from '../day/day-payload';
import { decideTransfer, type CallPurpose as TransferCallPurpose } from '../transfer/transfer-decisions';
import { BankCallIssuer } from './bank-call.issuer';
import { SagaStore, type SagaRow, type TimerRow } from './saga-store';

type TransferRequested = z.infer<typeof transferRequested.schema>;
/**
 * A transfer saga's payload: the request as stored (JSON, so its amount is text), plus what the saga learned on
 * the way — the serial of its reversal (issued once, repeated as is) and whether the bank refused reversals as not offered.
 */
type TransferPayload = z.input<typeof transferRequested.schema> & { reversal?: { serialNo: string; businessDate: string }; reversalNotOffered?: boolean };
type DesignationRequested = z.infer<typeof designationRequested.schema>;
/** Once the saga is DONE, its sealed `bankPassword` and `customer.idNumber` are deleted (`SagaStore.setState`). */
type DesignationPayload = DesignationRequested & { openingBalance: string; businessDate: string };
type Completion = z.infer<typeof bankCallCompleted.schema>;
type CallCommand = BankCallRequestInput;
type AdjustmentChanged = z.infer<typeof adjustmentChanged.schema>;

/**
 * Runs the sagas of flows that keep the ledger and a bank in step. Every method runs inside the
 * caller's database transaction (with the inbox entry of the message that triggered it), so a state
 * change, the commands it sends and the timers it sets commit together or not at all.
 */
@Injectable()
export class SagaEngine {
  private readonly logger = new Logger(SagaEngine.name);

  constructor(
    private readonly store: SagaStore,
    private readonly outbox: Outbox,
    private readonly calls: BankCallIssuer,
    private readonly days: DayCycleService,
    private readonly dayClose: DayCloseService,
    private readonly ledger: LedgerClient,
    @Inject(CUSTODY_CONFIG) private readonly config: CustodyConfig,
  ) {}

  async startTransfer(manager: EntityManager, event: TransferRequested): Promise<void> {
    const created = await this.store.createTransfer(manager, event.transferId, event.bankCode, event.businessDate, event);
    if (!created) return;
    // A transfer of a day the bank has already ended (13011) is never sent: nothing of that day starts any more.
    if (isClosedPhase(created.dayPhase)) {
      const message = `the bank's day ${event.businessDate} ended before the transfer could be sent; nothing was sent`;
      await this.outbox.add(manager, transferOutcome, { transferId: event.transferId, status: 'FAILED', failure: { code: 'DAY_CLOSED', message } }, { key: event.fundAccountNo, businessDate: event.businessDate });
      await this.store.markDone(manager, created.saga.saga_id);
      return;
    }
    await this.issueCall(manager, created.saga, 'ORIGINAL');
  }

  async startDesignation(manager: EntityManager, event: DesignationRequested): Promise<void> {
    const openingBalance = await this.ledger.balance(event.fundAccountNo, event.currency);
    const payload: DesignationPayload = { ...event, openingBalance, businessDate: await this.days.dateOfNewMovement(manager, event.bankCode) };
    const saga = await this.store.create(manager, 'DESIGNATION', event.relationshipId, event.bankCode, payload);
    if (saga) await this.issueCall(manager, saga, 'ORIGINAL');
  }

  async onCallCompleted(manager: EntityManager, completion: Completion): Promise<void> {
    const completed = await this.store.completeCall(manager, completion.callId, completion.outcome, completion.returnCode);
    if (!completed) return; // already applied (duplicate delivery, or the deadline fired first)
    const { call, saga, dayPhase } = completed;
    if (saga.current_call_id !== call.call_id) return;
    // A DAY saga is done once its day is reconciled or deferred; a deferred day's close still makes its calls.
    if (saga.state === 'DONE' && saga.kind !== 'DAY') return;
    if (saga.kind === 'DAY') {
      const purpose = call.purpose as DayCallPurpose;
      if (purpose === 'SUMMARY_CHECK') await this.dayClose.onSummaryCheckCompleted(manager, saga as SagaRow<DayPayload>, completion);
      else await this.days.onCallCompleted(manager, saga as SagaRow<DayPayload>, purpose, completion);
      return;
    }
    const businessDate = (saga.payload as { businessDate: string }).businessDate;
    if (saga.kind === 'TRANSFER' && isClosedPhase(dayPhase)) {
      // bank-protocol.md §7 step 3: the snapshot of the day was taken at 13011 and named this transfer unsettled;
      // a late answer does not change it afterwards — reconciliation resolves it to the bank's record.
      this.logger.warn(
        { transferId: saga.subject_id, bankCode: saga.bank_code, businessDate, outcome: completion.outcome, returnCode: completion.returnCode },
        "an answer came after the bank's day ended: not applied, reconciliation settles the transfer",
      );
      return;
    }

    const decision =
      saga.kind === 'TRANSFER'
        ? await this.applyTransferDecision(manager, saga as SagaRow<TransferPayload>, call.purpose as TransferCallPurpose, completion)
        : await this.applyDesignationDecision(manager, saga as SagaRow<DesignationPayload>, call.purpose as TransferCallPurpose, completion);
    // Success or definite failure (DONE): the sealed bank password and ID number served their last call and go too.
    await this.store.setState(manager, saga.saga_id, decision.state);
    if (decision.next) {
      await this.store.addTimer(manager, { saga_id: saga.saga_id, kind: 'NEXT_CALL', call_id: null, purpose: decision.next.purpose }, decision.next.delayMs);
    }
  }

  async onTimer(manager: EntityManager, timer: TimerRow): Promise<void> {
    if (timer.kind === 'DAY_STEP') {
      if (CLOSE_TIMER_STEPS.includes(timer.purpose ?? '')) await this.dayClose.onStep(manager, timer);
      else await this.days.onStep(manager, timer);
      return;
    }
    if (timer.kind === 'CALL_DEADLINE') {
      // Same lock order as a completion from the adapter (call row, then saga), so the two never deadlock.
      const [call]: Array<{ function: Completion['function']; serial_no: string; completed_at: Date | null; bank_code: string }> = await manager.query(
        `SELECT c.function, c.serial_no, c.completed_at, s.bank_code FROM saga.bank_calls c JOIN saga.sagas s USING (saga_id) WHERE c.call_id = $1`,
        [timer.call_id],
      );
      if (!call || call.completed_at) return;
      this.logger.warn({ sagaId: timer.saga_id, callId: timer.call_id }, 'no completion from the bank adapter by the deadline; treating the call as unanswered');
      await this.onCallCompleted(manager, {
        callId: timer.call_id!,
        bankCode: call.bank_code,
        function: call.function,
        serialNo: call.serial_no,
        outcome: 'NO_REPLY',
        reason: 'saga deadline passed without a completion',
      });
      return;
    }
    const saga = await this.store.lock(manager, timer.saga_id);
    if (saga.state === 'DONE') return;
    const businessDate = (saga.payload as { businessDate: string }).businessDate;
    if (saga.kind === 'TRANSFER' && (await this.days.closedFor(manager, saga.bank_code, businessDate))) {
      // bank-protocol.md §7 step 3: after 13011 nothing of the day is queried, resent or reversed; what is still
      // UNKNOWN is settled by reconciliation, which resolves it to the bank's record.
      this.logger.warn({ transferId: saga.subject_id, bankCode: saga.bank_code, businessDate }, "the bank's day has ended: the transfer stays UNKNOWN until reconciliation settles it");
      return;
    }
    await this.issueCall(manager, saga, (timer.purpose as TransferCallPurpose | null) ?? 'QUERY');
  }

  /**
   * A transfer still UNKNOWN when its bank's day ended was settled by an approved RESOLVE_UNKNOWN adjustment
   * (the transfer service applied it): the saga that waited for it is done.
   */
  async onAdjustmentChanged(manager: EntityManager, event: AdjustmentChanged): Promise<void> {
    if (event.kind !== 'RESOLVE_UNKNOWN' || event.status !== 'APPLIED' || event.transferId === undefined) return;
    const saga = await this.store.lockBySubject(manager, 'TRANSFER', event.transferId);
    if (!saga || saga.state === 'DONE') return;
    await this.store.markDone(manager, saga.saga_id);
    this.logger.log({ transferId: event.transferId, adjustmentId: event.adjustmentId, status: event.transferStatus }, 'transfer settled by reconciliation; its saga is done');
  }

  private async applyTransferDecision(manager: EntityManager, saga: SagaRow<TransferPayload>, purpose: TransferCallPurpose, completion: Completion) {
    const bank = findBank(this.config, saga.bank_code);
    const decision = decideTransfer(saga.subject_id, purpose, completion, saga.attempt, {
      type: saga.payload.type,
      acceptsSecuritiesToBankReversal: bank?.acceptsSecuritiesToBankReversal ?? false,
      reversalNotOffered: saga.payload.reversalNotOffered === true,
    });
    if (decision.reversalNotOffered) await this.store.mergePayload(manager, saga.saga_id, { reversalNotOffered: true });
    if (decision.alert) this.logger.error({ transferId: saga.subject_id, serialNo: saga.payload.serialNo, bankCode: saga.bank_code }, decision.alert);
    if (decision.outcome) {
      await this.outbox.add(manager, transferOutcome, decision.outcome, { key: saga.payload.fundAccountNo, businessDate: saga.payload.businessDate });
      if (decision.outcome.status === 'UNKNOWN') {
        this.logger.warn({ transferId: saga.subject_id, serialNo: saga.payload.serialNo, attempt: decision.outcome.attempt }, 'transfer outcome UNKNOWN; will ask the bank again');
      }
    }
    return decision;
  }

  private async applyDesignationDecision(manager: EntityManager, saga: SagaRow<DesignationPayload>, purpose: TransferCallPurpose, completion: Completion) {
    const decision = decideDesignation(purpose, completion, saga.attempt);
    if (decision.resolution) {
      const p = saga.payload;
      await this.outbox.add(manager, designationResolved, {
        relationshipId: p.relationshipId,
        fundAccountNo: p.fundAccountNo,
        currency: p.currency,
        bankCode: p.bankCode,
        bankAccountNo: p.bankAccountNo,
        ...decision.resolution,
        // What the relationship's owner lists in its CHK02/CHK03 of the day (bank-protocol.md §5): the bank day the
        // 11001 was made on, the bank's serial from its reply, and the opening balance it carried.
        businessDate: p.businessDate,
        ...(completion.bankSerialNo ? { bankSerialNo: completion.bankSerialNo } : {}),
        openingBalance: p.openingBalance,
      }, { key: p.fundAccountNo });
    }
    return decision;
  }

  private async issueCall(manager: EntityManager, saga: SagaRow, purpose: TransferCallPurpose): Promise<void> {
    const command =
      saga.kind === 'TRANSFER' ? await this.transferCall(manager, saga as SagaRow<TransferPayload>, purpose) : this.designationCall(saga as SagaRow<DesignationPayload>, purpose);
    await this.calls.issue(manager, saga, purpose, command);
  }

  private async transferCall(manager: EntityManager, saga: SagaRow<TransferPayload>, purpose: TransferCallPurpose): Promise<Omit<CallCommand, 'callId' | 'sendWithinMs'>> {
    const p = saga.payload;
    const common = { bankCode: saga.bank_code, fundAccountNo: p.fundAccountNo, currency: p.currency };
    if (purpose === 'REVERSAL') {
      // F-4.3 S / F-4.4 S: one reversal per transfer. Its serial is issued once and kept in the saga, so an
      // unanswered reversal is repeated with the same Ref and the bank undoes the original at most once.
      let reversal = p.reversal;
      if (!reversal) {
        const today = await this.days.businessDate(manager);
        reversal = { serialNo: await nextSerialNo(manager, 'saga.serial_seq', 'saga', today), businessDate: today };
        await this.store.mergePayload(manager, saga.saga_id, { reversal });
      }
      return {
        ...common,
        function: p.type === 'BANK_TO_SECURITIES' ? 'REVERSE_BANK_TO_SECURITIES' : 'REVERSE_SECURITIES_TO_BANK',
        serialNo: reversal.serialNo,
        businessDate: reversal.businessDate,
        resend: false,
        // The bank checks a reversal against its original: same accounts, currency and amount.
        amount: p.amount,
        bankAccountNo: p.bankAccountNo,
        cancelledSerialNo: p.serialNo,
      };
    }
    if (purpose === 'QUERY') {
      const today = await this.days.businessDate(manager);
      return {
        ...common,
        function: 'QUERY_RESULT',
        serialNo: await nextSerialNo(manager, 'saga.serial_seq', 'saga', today),
        businessDate: today,
        resend: false,
        queriedSerialNo: p.serialNo,
        queriedFunction: p.type,
      };
    }
    return {
      ...common,
      function: p.type,
      serialNo: p.serialNo,
      businessDate: p.businessDate,
      resend: purpose === 'RESEND',
      amount: p.amount,
      bankAccountNo: p.bankAccountNo,
      bankPassword: p.bankPassword,
    };
  }

  private designationCall(saga: SagaRow<DesignationPayload>, purpose: TransferCallPurpose): Omit<CallCommand, 'callId' | 'sendWithinMs'> {
    const p = saga.payload;
    return {
      bankCode: saga.bank_code,
      function: 'DESIGNATE',
      serialNo: p.serialNo,
      businessDate: p.businessDate,
      resend: purpose === 'RESEND',
      fundAccountNo: p.fundAccountNo,
      currency: p.currency,
      bankAccountNo: p.bankAccountNo,
      bankPassword: p.bankPassword,
      customer: { name: p.customer.name, type: p.customer.type, idType: p.customer.idType, idNumber: p.customer.idNumber },
      openingBalance: p.openingBalance,
    };
  }
}
