import type { EntityManager } from 'typeorm';
import type { CustodyFunctionResolution } from '@custody/contracts';
import type { Transition } from '../engine/bank-call-saga';
import type { Completion } from '../engine/saga-flow';
import type { SagaRow } from '../engine/saga-store';
import type { StepContext } from '../engine/step';
import { type ChangePurpose, decideChange } from './change-decisions';
import { type FunctionPayloadFields, resolveFunction } from './function-verdict';
import { FunctionAtBankSaga } from './function-at-bank.saga';

/**
 * A broker-started account function that changes something at the bank (F-3.4 S 11006, F-3.5 S 11005, 11011 S): one request,
 * sent again under its serial until the bank answers definitely (`decideChange`), whose verdict goes to the
 * relationship's owner as `custody.function-resolved`. A flow names its saga kind, its step and what its verdict
 * carries besides.
 */
export abstract class ChangeAtBankSaga<P extends FunctionPayloadFields> extends FunctionAtBankSaga<P, ChangePurpose> {
  protected readonly unnamedNextCall = 'RESEND';
  protected readonly firstCall = 'ORIGINAL';

  protected contextOf(manager: EntityManager, saga: SagaRow<P>): StepContext<P> {
    return { manager, saga };
  }

  /** What the verdict carries besides the request's fields (never a secret); `made`: the bank made the change. */
  protected abstract resolutionOf(payload: P, made: boolean): Partial<CustodyFunctionResolution>;

  protected async decide(purpose: ChangePurpose, completion: Completion, { manager, saga }: StepContext<P>): Promise<Transition<ChangePurpose>> {
    const decision = decideChange(purpose, completion, saga.attempt);
    if (decision.verdict) {
      await resolveFunction(this.outbox, manager, saga.payload, {
        ...this.resolutionOf(saga.payload, decision.verdict.status === 'SUCCEEDED'),
        ...decision.verdict,
        ...(completion.bankSerialNo ? { bankSerialNo: completion.bankSerialNo } : {}),
      });
    }
    return decision;
  }
}
