import { Inject, Injectable, Logger } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import type { EntityManager } from 'typeorm';
import type { z } from 'zod';
import { transferOutcome, type adjustmentChanged, type DayPhase, type transferRequested } from '@custody/contracts';
import { Outbox } from '@custody/messaging';
import { CUSTODY_CONFIG, type CustodyConfig, findBank, nextSerialNo } from '@custody/service-kit';
import { CLOSED_PHASES, DayCycleService, isClosedPhase } from '../day/day-cycle.service';
import { type BankCallCommand, BankCallIssuer } from '../engine/bank-call.issuer';
import { BankCallSaga, type Transition } from '../engine/bank-call-saga';
import type { Completion } from '../engine/saga-flow';
import { SagaStore, type SagaRow } from '../engine/saga-store';
import { compensate } from '../engine/step';
import { queryTransfer } from './query-transfer.step';
import { sendTransferToBank } from './send-transfer-to-bank.step';
import { decideTransfer, type CallPurpose } from './transfer-decisions';
import { type TransferPayload, transferSagaPayload, type TransferStepContext } from './transfer-saga.payload';

type TransferRequested = z.infer<typeof transferRequested.schema>;
type AdjustmentChanged = z.infer<typeof adjustmentChanged.schema>;

/** A step of a transfer's original call may not take a serial or remember anything: its saga is not written yet. */
const notYet = (): never => {
  throw new Error("a transfer's original call is made as its saga is created: it can take no new serial and remember nothing");
};

/**
 * A securities-initiated transfer (F-4.1 S / F-4.2 S, domain.md §4): send it to the bank, decide on the answer,
 * tell the transfer service the outcome. An UNKNOWN is ended by asking the bank (query), sending the same original
 * again (resend), or undoing it (the send step's compensation, the reversal) — never by a guess; `decideTransfer`
 * holds those rules. Nothing of a bank day that has ended is sent or applied any more (bank-protocol.md §7 step 3).
 */
@Injectable()
export class TransferSaga extends BankCallSaga<TransferPayload, CallPurpose, TransferStepContext> {
  readonly kind = 'TRANSFER';
  protected readonly payload = transferSagaPayload;
  protected readonly unnamedNextCall = 'QUERY';
  private readonly logger = new Logger(TransferSaga.name);

  constructor(
    store: SagaStore,
    calls: BankCallIssuer,
    private readonly outbox: Outbox,
    private readonly days: DayCycleService,
    @Inject(CUSTODY_CONFIG) private readonly config: CustodyConfig,
  ) {
    super(store, calls);
  }

  async start(manager: EntityManager, event: TransferRequested): Promise<void> {
    // The saga and its original call are written in one statement (issue 9), so the call is put together before the
    // saga's row exists: from the event alone — the original needs no new serial and remembers nothing.
    const saga = { saga_id: randomUUID(), kind: 'TRANSFER' as const, subject_id: event.transferId, state: 'NEW', bank_code: event.bankCode, payload: event, current_call_id: null, attempt: 0 };
    const original = await this.callFor('ORIGINAL', { ...this.contextOf(manager, saga), newSerial: notYet, remember: notYet });
    // A transfer of a day the bank has already ended (13011) is never sent: nothing of that day starts any more.
    const created = await this.calls.createTransferCalling(manager, saga, event.businessDate, 'ORIGINAL', original, CLOSED_PHASES);
    if (!created || created.called) return;
    const message = `the bank's day ${event.businessDate} ended before the transfer could be sent; nothing was sent`;
    await this.outbox.add(manager, transferOutcome, { transferId: event.transferId, status: 'FAILED', failure: { code: 'DAY_CLOSED', message } }, { key: event.fundAccountNo, businessDate: event.businessDate });
    await this.store.markDone(manager, created.saga.saga_id);
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

  protected contextOf(manager: EntityManager, saga: SagaRow<TransferPayload>): TransferStepContext {
    return {
      manager,
      saga,
      newSerial: async () => {
        const today = await this.days.businessDate(manager);
        return { serialNo: await nextSerialNo(manager, 'saga.serial_seq', 'saga', today), businessDate: today };
      },
      remember: (patch) => this.store.mergePayload(manager, saga.saga_id, patch),
    };
  }

  protected async callFor(purpose: CallPurpose, ctx: TransferStepContext): Promise<BankCallCommand> {
    const transfer = ctx.saga.payload;
    switch (purpose) {
      case 'ORIGINAL':
      case 'RESEND':
        return (await sendTransferToBank.invoke({ transfer, resend: purpose === 'RESEND' }, ctx)).output;
      case 'QUERY':
        return (await queryTransfer.invoke(transfer, ctx)).output;
      case 'REVERSAL':
        // The send step's compensation input is the original as requested, which the saga's payload keeps.
        return compensate(sendTransferToBank, transfer, ctx);
    }
  }

  protected override answerApplies({ saga }: TransferStepContext, dayPhase: DayPhase | undefined, completion: Completion): boolean {
    if (!isClosedPhase(dayPhase)) return true;
    // bank-protocol.md §7 step 3: the snapshot of the day was taken at 13011 and named this transfer unsettled;
    // a late answer does not change it afterwards — reconciliation resolves it to the bank's record.
    this.logger.warn(
      { transferId: saga.subject_id, bankCode: saga.bank_code, businessDate: saga.payload.businessDate, outcome: completion.outcome, returnCode: completion.returnCode },
      "an answer came after the bank's day ended: not applied, reconciliation settles the transfer",
    );
    return false;
  }

  protected override async nextCallApplies({ manager, saga }: TransferStepContext): Promise<boolean> {
    const businessDate = saga.payload.businessDate;
    if (!(await this.days.closedFor(manager, saga.bank_code, businessDate))) return true;
    // bank-protocol.md §7 step 3: after 13011 nothing of the day is queried, resent or reversed; what is still
    // UNKNOWN is settled by reconciliation, which resolves it to the bank's record.
    this.logger.warn({ transferId: saga.subject_id, bankCode: saga.bank_code, businessDate }, "the bank's day has ended: the transfer stays UNKNOWN until reconciliation settles it");
    return false;
  }

  protected async decide(purpose: CallPurpose, completion: Completion, ctx: TransferStepContext): Promise<Transition<CallPurpose>> {
    const { saga } = ctx;
    const bank = findBank(this.config, saga.bank_code);
    const decision = decideTransfer(saga.subject_id, purpose, completion, saga.attempt, {
      type: saga.payload.type,
      acceptsSecuritiesToBankReversal: bank?.acceptsSecuritiesToBankReversal ?? false,
      reversalNotOffered: saga.payload.reversalNotOffered === true,
    });
    if (decision.reversalNotOffered) await ctx.remember({ reversalNotOffered: true });
    if (decision.alert) this.logger.error({ transferId: saga.subject_id, serialNo: saga.payload.serialNo, bankCode: saga.bank_code }, decision.alert);
    if (decision.outcome) {
      await this.outbox.add(ctx.manager, transferOutcome, decision.outcome, { key: saga.payload.fundAccountNo, businessDate: saga.payload.businessDate });
      if (decision.outcome.status === 'UNKNOWN') {
        this.logger.warn({ transferId: saga.subject_id, serialNo: saga.payload.serialNo, attempt: decision.outcome.attempt }, 'transfer outcome UNKNOWN; will ask the bank again');
      }
    }
    return decision;
  }
}
