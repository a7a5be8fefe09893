import type { EntityManager } from 'typeorm';
import type { z } from 'zod';
import type { DayPhase } from '@custody/contracts';
import { type BankCallCommand, BankCallIssuer } from './bank-call.issuer';
import { type Completion, type CompletedCall, type SagaFlow, withPayload } from './saga-flow';
import type { CallPurpose, SagaKind, SagaRow, SagaStore } from './saga-store';
import type { StepContext } from './step';

/** What a completed call decides: the saga's next state, and the call to make next after a delay. */
export interface Transition<Purpose extends CallPurpose> {
  state: string;
  next?: { purpose: Purpose; delayMs: number };
}

/**
 * A saga whose steps are bank calls (a transfer, a designation). The engine's part of every such flow: a call's
 * completion is decided on and becomes the saga's next state and next call (a persisted timer), a due next call is
 * made; a flow says which step (or compensation) a call purpose stands for and what an answer means.
 * A saga's payload is validated against the flow's schema whenever it is read back, before any step sees it.
 */
export abstract class BankCallSaga<P, Purpose extends CallPurpose, Ctx extends StepContext<P> = StepContext<P>> implements SagaFlow {
  abstract readonly kind: SagaKind;
  /** The payload the flow writes and reads back. */
  protected abstract readonly payload: z.ZodType<P, z.ZodTypeDef, unknown>;
  /** The call a NEXT_CALL timer without a purpose stands for (timers set before each named its call). */
  protected abstract readonly unnamedNextCall: Purpose;

  protected constructor(
    protected readonly store: SagaStore,
    protected readonly calls: BankCallIssuer,
  ) {}

  /** The call a purpose stands for: a step's invoke, or a compensation. */
  protected abstract callFor(purpose: Purpose, ctx: Ctx): Promise<BankCallCommand>;

  /** What the completion of a call of `purpose` means; the flow writes its messages here. */
  protected abstract decide(purpose: Purpose, completion: Completion, ctx: Ctx): Promise<Transition<Purpose>>;

  /** The context the flow's steps run in. */
  protected abstract contextOf(manager: EntityManager, saga: SagaRow<P>): Ctx;

  /** Whether an answer is still applied to the saga (a flow may refuse late ones). */
  protected answerApplies(_ctx: Ctx, _dayPhase: DayPhase | undefined, _completion: Completion): boolean {
    return true;
  }

  /** Whether a due next call is still made. */
  protected async nextCallApplies(_ctx: Ctx): Promise<boolean> {
    return true;
  }

  protected async call(ctx: Ctx, purpose: Purpose): Promise<void> {
    await this.calls.issue(ctx.manager, ctx.saga, purpose, await this.callFor(purpose, ctx));
  }

  async onCallCompleted(manager: EntityManager, { call, saga, dayPhase }: CompletedCall, completion: Completion): Promise<void> {
    if (saga.state === 'DONE') return;
    const ctx = this.contextOf(manager, withPayload(saga, this.payload));
    if (!this.answerApplies(ctx, dayPhase, completion)) return;
    const transition = await this.decide(call.purpose as Purpose, completion, ctx);
    // Success or definite failure (DONE): the sealed bank password and ID number served their last call and go too.
    await this.store.setState(manager, saga.saga_id, transition.state);
    if (transition.next) {
      await this.store.addTimer(manager, { saga_id: saga.saga_id, kind: 'NEXT_CALL', call_id: null, purpose: transition.next.purpose }, transition.next.delayMs);
    }
  }

  async onNextCall(manager: EntityManager, saga: SagaRow, purpose: CallPurpose | null): Promise<void> {
    const ctx = this.contextOf(manager, withPayload(saga, this.payload));
    if (!(await this.nextCallApplies(ctx))) return;
    await this.call(ctx, (purpose as Purpose | null) ?? this.unnamedNextCall);
  }
}
