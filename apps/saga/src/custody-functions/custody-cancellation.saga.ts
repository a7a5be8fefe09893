import { Injectable, Logger } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { type CustodyCancellationRequest, custodyFunctionResolved, type Failure, type LedgerClosingDecision } from '@custody/contracts';
import { Outbox } from '@custody/messaging';
import { DayCycleService } from '../day/day-cycle.service';
import { type BankCallCommand, BankCallIssuer } from '../engine/bank-call.issuer';
import { BankCallSaga, type Transition } from '../engine/bank-call-saga';
import { type Completion, withPayload } from '../engine/saga-flow';
import { SagaStore, type SagaRow } from '../engine/saga-store';
import { compensate } from '../engine/step';
import { type CancellationCallPurpose, decideCancellation } from './cancellation-decisions';
import { closeLedger, type LedgerStepContext } from './close-ledger.step';
import { type CustodyCancellationPayload, custodyCancellationPayload } from './custody-cancellation.payload';
import type { LedgerClosingFlow } from './ledger-closing-answers';
import { sendCustodyCancellation } from './send-custody-cancellation.step';

/** Where the saga waits: for the ledger's owner (closing, reopening) or for the bank (SENT, UNKNOWN: resent). */
const CLOSING_LEDGER = 'CLOSING_LEDGER';
const REOPENING_LEDGER = 'REOPENING_LEDGER';

/**
 * F-3.8 S: the broker cancels a custody relationship (11004). Three steps, each waiting for the one before:
 * 1. `close-ledger`: the transfer service closes the fund ledger — only with zero balance, nothing held or frozen and
 *    no transfer in flight (its refusal fails the request, nothing else happens) — so no transfer or hold slips in
 *    between the check and the bank's answer;
 * 2. `send-custody-cancellation`: the 11004 with `ScBal` the balance the ledger closed at (0.00), sent again with the
 *    same serial until the bank answers definitely (`decideCancellation`);
 * 3. the verdict (`custody.function-resolved`): on 0000 the transfer service cancels the ledger and account the
 *    relationship (the day's 11004); on the bank's refusal the first step's compensation opens the ledger again
 *    first, and only once it is open is the refusal the verdict.
 */
@Injectable()
export class CustodyCancellationSaga extends BankCallSaga<CustodyCancellationPayload, CancellationCallPurpose, LedgerStepContext<CustodyCancellationPayload>> implements LedgerClosingFlow {
  readonly kind = 'CUSTODY_CANCELLATION';
  protected readonly payload = custodyCancellationPayload;
  protected readonly unnamedNextCall = 'RESEND';
  private readonly logger = new Logger(CustodyCancellationSaga.name);

  constructor(
    store: SagaStore,
    calls: BankCallIssuer,
    private readonly outbox: Outbox,
    private readonly days: DayCycleService,
  ) {
    super(store, calls);
  }

  async start(manager: EntityManager, request: CustodyCancellationRequest): Promise<void> {
    const payload: CustodyCancellationPayload = { ...request, businessDate: await this.days.dateOfNewMovement(manager, request.bankCode) };
    const saga = await this.store.create(manager, this.kind, request.functionId, request.bankCode, payload);
    if (!saga) return;
    await closeLedger.invoke({ ...ledgerOf(payload), purpose: 'CANCELLATION' }, this.contextOf(manager, { ...saga, payload }));
    await this.store.setState(manager, saga.saga_id, CLOSING_LEDGER);
  }

  /** Step 1 answered: refused, the request fails with the ledger's rule; closed, the 11004 goes to the bank. */
  async onLedgerClosingDecided(manager: EntityManager, row: SagaRow, decision: LedgerClosingDecision): Promise<void> {
    if (row.state !== CLOSING_LEDGER) return;
    const saga = withPayload(row, this.payload);
    if (decision.decision === 'REFUSED') {
      await this.resolve(manager, saga.payload, { status: 'FAILED', failure: decision.refusal });
      await this.store.markDone(manager, saga.saga_id);
      return;
    }
    await this.store.mergePayload(manager, saga.saga_id, { balanceLeaving: decision.balance });
    // The call moves the saga to SENT.
    await this.call(this.contextOf(manager, { ...saga, state: 'SENT', payload: { ...saga.payload, balanceLeaving: decision.balance } }), 'ORIGINAL');
  }

  /** The compensation done: the ledger takes transfers again, and only now is the bank's refusal the verdict. */
  async onLedgerReopened(manager: EntityManager, row: SagaRow): Promise<void> {
    if (row.state !== REOPENING_LEDGER) return;
    const { payload } = withPayload(row, this.payload);
    if (!payload.failure) throw new Error(`cancellation saga ${row.saga_id} reopened its ledger without the refusal that made it`);
    await this.resolve(manager, payload, { status: 'FAILED', failure: payload.failure });
    await this.store.markDone(manager, row.saga_id);
  }

  protected contextOf(manager: EntityManager, saga: SagaRow<CustodyCancellationPayload>): LedgerStepContext<CustodyCancellationPayload> {
    return { manager, saga, outbox: this.outbox };
  }

  protected async callFor(purpose: CancellationCallPurpose, ctx: LedgerStepContext<CustodyCancellationPayload>): Promise<BankCallCommand> {
    const { payload } = ctx.saga;
    if (!payload.balanceLeaving) throw new Error(`cancellation saga ${ctx.saga.saga_id} calls the bank before its ledger closed`);
    const call = { ...payload, balanceLeaving: payload.balanceLeaving, resend: purpose === 'RESEND' };
    return (await sendCustodyCancellation.invoke(call, ctx)).output;
  }

  protected async decide(purpose: CancellationCallPurpose, completion: Completion, ctx: LedgerStepContext<CustodyCancellationPayload>): Promise<Transition<CancellationCallPurpose>> {
    const { manager, saga } = ctx;
    const decision = decideCancellation(purpose, completion, saga.attempt);
    switch (decision.outcome) {
      case 'CANCELLED':
        await this.resolve(manager, saga.payload, { status: 'SUCCEEDED', ...(completion.bankSerialNo ? { bankSerialNo: completion.bankSerialNo } : {}) });
        return { state: 'DONE' };
      case 'REFUSED':
        this.logger.warn({ functionId: saga.subject_id, bankCode: saga.bank_code, failure: decision.failure }, 'cancellation refused by the bank; the ledger reopens before the caller is told');
        await this.store.mergePayload(manager, saga.saga_id, { failure: decision.failure });
        await compensate(closeLedger, ledgerOf(saga.payload), ctx);
        return { state: REOPENING_LEDGER };
      case 'UNKNOWN':
        return { state: 'UNKNOWN', next: decision.next };
    }
  }

  private async resolve(manager: EntityManager, payload: CustodyCancellationPayload, verdict: { status: 'SUCCEEDED' | 'FAILED'; bankSerialNo?: string; failure?: Failure }): Promise<void> {
    await this.outbox.add(
      manager,
      custodyFunctionResolved,
      {
        functionId: payload.functionId,
        function: payload.function,
        serialNo: payload.serialNo,
        bankCode: payload.bankCode,
        fundAccountNo: payload.fundAccountNo,
        currency: payload.currency,
        // The bank day the 11004 was made on: account lists it in that day's CHK02/CHK03.
        businessDate: payload.businessDate,
        ...verdict,
      },
      { key: payload.fundAccountNo },
    );
  }
}

/** The ledger the cancellation closes, as the closing and its compensation name it. */
function ledgerOf(payload: CustodyCancellationPayload) {
  return { functionId: payload.functionId, fundAccountNo: payload.fundAccountNo, currency: payload.currency, bankCode: payload.bankCode };
}
