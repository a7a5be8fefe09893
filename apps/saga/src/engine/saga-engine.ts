import { Inject, Injectable, Logger } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { type Completion, SAGA_FLOWS, type SagaFlow } from './saga-flow';
import { type SagaKind, SagaStore, type TimerRow } from './saga-store';

/**
 * Runs every saga kind's flow (`SAGA_FLOWS`) against the persisted sagas, calls and timers: hands a call's first
 * completion to its saga's flow, ends a call unanswered by its deadline, and makes a saga's due next call. It knows
 * no flow's rules. Every method runs inside the caller's database transaction (with the inbox entry of the message
 * that triggered it), so a state change, the commands it sends and the timers it sets commit together or not at all.
 */
@Injectable()
export class SagaEngine {
  private readonly logger = new Logger(SagaEngine.name);
  private readonly flows: ReadonlyMap<SagaKind, SagaFlow>;
  /** The flow whose own steps are timed (DAY_STEP timers, the day's); a NEXT_CALL or deadline names its saga's call. */
  private readonly timedSteps: SagaFlow | undefined;

  constructor(
    private readonly store: SagaStore,
    @Inject(SAGA_FLOWS) flows: readonly SagaFlow[],
  ) {
    this.flows = new Map(flows.map((flow) => [flow.kind, flow]));
    const timed = flows.filter((flow) => flow.onStep);
    if (timed.length > 1) throw new Error(`only one flow may take timed steps, not ${timed.map((f) => f.kind).join(' and ')}`);
    this.timedSteps = timed[0];
  }

  async onCallCompleted(manager: EntityManager, completion: Completion): Promise<void> {
    const completed = await this.store.completeCall(manager, completion.callId, completion.outcome, completion.returnCode);
    if (!completed) return; // already applied (duplicate delivery, or the deadline fired first)
    if (completed.saga.current_call_id !== completed.call.call_id) return;
    await this.flowOf(completed.saga.kind).onCallCompleted(manager, completed, completion);
  }

  async onTimer(manager: EntityManager, timer: TimerRow): Promise<void> {
    if (timer.kind === 'DAY_STEP') {
      if (!this.timedSteps?.onStep) throw new Error(`no flow takes timed steps (timer ${timer.timer_id})`);
      await this.timedSteps.onStep(manager, timer);
      return;
    }
    if (timer.kind === 'CALL_DEADLINE') {
      const call = await this.store.unansweredCall(manager, timer.call_id!);
      if (!call) return;
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
    const flow = this.flowOf(saga.kind);
    if (!flow.onNextCall) throw new Error(`saga ${saga.saga_id}: the ${saga.kind} flow makes no next call on a timer (timer ${timer.timer_id})`);
    await flow.onNextCall(manager, saga, timer.purpose);
  }

  private flowOf(kind: SagaKind): SagaFlow {
    const flow = this.flows.get(kind);
    if (!flow) throw new Error(`no flow runs sagas of kind ${kind}`);
    return flow;
  }
}
