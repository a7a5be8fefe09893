import type { EntityManager } from 'typeorm';
import type { CustodyFunctionResolution, Failure, LedgerClosingDecision, LedgerClosingPurpose } from '@custody/contracts';
import type { Money } from '@custody/money';
import type { Transition } from '../engine/bank-call-saga';
import { withPayload } from '../engine/saga-flow';
import type { CallPurpose, SagaRow } from '../engine/saga-store';
import { compensate } from '../engine/step';
import { closeLedger, type LedgerStepContext } from './close-ledger.step';
import { FunctionAtBankSaga } from './function-at-bank.saga';
import type { LedgerClosingFlow } from './ledger-closing-answers';
import { type FunctionPayloadFields, resolveFunction } from './function-verdict';

/** Where the saga waits on the ledger's owner (closing, reopening); on a bank it is SENT or UNKNOWN. */
const CLOSING_LEDGER = 'CLOSING_LEDGER';
const REOPENING_LEDGER = 'REOPENING_LEDGER';

/** What a saga that closes the ledger first keeps: the balance it closed at, and the refusal its reopening answers. */
export interface LedgerClosingPayloadFields extends FunctionPayloadFields {
  readonly balanceLeaving?: Money;
  readonly failure?: Failure;
}

/**
 * A broker-started function whose first step closes the fund ledger (`close-ledger`: F-3.8 cancellation, F-3.6 change
 * of custodian bank), so that nothing moves it while the bank decides. The ledger's refusal is the verdict at once;
 * once it closed, the flow's first bank call goes with the balance it closed at. A definite refusal of that call is
 * compensated by opening the ledger again (`reopenLedger`), and only once it is open is the refusal the verdict.
 */
export abstract class LedgerClosingSaga<P extends LedgerClosingPayloadFields, Purpose extends CallPurpose>
  extends FunctionAtBankSaga<P, Purpose, LedgerStepContext<P>>
  implements LedgerClosingFlow
{
  /** Why the ledger closes (what the transfer service checks). */
  protected abstract readonly closingPurpose: LedgerClosingPurpose;

  /** Step 1: the ledger closes first; the first bank call waits for its answer. */
  protected override async begin(ctx: LedgerStepContext<P>): Promise<void> {
    await closeLedger.invoke({ ...ledgerOf(ctx.saga.payload), purpose: this.closingPurpose }, ctx);
    await this.store.setState(ctx.manager, ctx.saga.saga_id, CLOSING_LEDGER);
  }

  /** The ledger answered: refused, the request fails with the ledger's rule; closed, the first call goes to the bank. */
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
    await this.call(this.contextOf(manager, { ...saga, state: 'SENT', payload: { ...saga.payload, balanceLeaving: decision.balance } }), this.firstCall);
  }

  /** The compensation done: the ledger takes transfers again, and only now is the bank's refusal the verdict. */
  async onLedgerReopened(manager: EntityManager, row: SagaRow): Promise<void> {
    if (row.state !== REOPENING_LEDGER) return;
    const { payload } = withPayload(row, this.payload);
    if (!payload.failure) throw new Error(`${this.kind} saga ${row.saga_id} reopened its ledger without the refusal that made it`);
    await this.resolve(manager, payload, { status: 'FAILED', failure: payload.failure });
    await this.store.markDone(manager, row.saga_id);
  }

  protected contextOf(manager: EntityManager, saga: SagaRow<P>): LedgerStepContext<P> {
    return { manager, saga, outbox: this.outbox };
  }

  /** The bank refused definitely before it changed anything: the ledger opens again, then the refusal is the verdict. */
  protected async reopenLedger(ctx: LedgerStepContext<P>, failure: Failure): Promise<Transition<Purpose>> {
    await this.store.mergePayload(ctx.manager, ctx.saga.saga_id, { failure });
    await compensate(closeLedger, ledgerOf(ctx.saga.payload), ctx);
    return { state: REOPENING_LEDGER };
  }

  /** The balance the ledger closed at: every bank call after the closing carries it. */
  protected balanceOf(saga: SagaRow<P>): Money {
    if (!saga.payload.balanceLeaving) throw new Error(`${this.kind} saga ${saga.saga_id} calls a bank before its ledger closed`);
    return saga.payload.balanceLeaving;
  }

  /** The verdict; `businessDate` is the bank day of the first call, on which account lists it in the day files. */
  protected async resolve(manager: EntityManager, payload: P, verdict: Omit<CustodyFunctionResolution, keyof FunctionPayloadFields>): Promise<void> {
    await resolveFunction(this.outbox, manager, payload, verdict);
  }
}

/** The ledger a function closes, as the closing and its compensation name it. */
function ledgerOf(payload: FunctionPayloadFields) {
  return { functionId: payload.functionId, fundAccountNo: payload.fundAccountNo, currency: payload.currency, bankCode: payload.bankCode };
}
