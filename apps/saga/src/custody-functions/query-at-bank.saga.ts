import type { EntityManager } from 'typeorm';
import type { CustodyFunctionResolution } from '@custody/contracts';
import type { Transition } from '../engine/bank-call-saga';
import type { Completion } from '../engine/saga-flow';
import type { SagaRow } from '../engine/saga-store';
import type { StepContext } from '../engine/step';
import { type FunctionPayloadFields, resolveFunction } from './function-verdict';
import { FunctionAtBankSaga } from './function-at-bank.saga';

/** The one call of a query: it is never resent (`decideQuery`). */
export type QueryPurpose = 'ORIGINAL';

/**
 * A broker-started account function that only asks the bank (F-3.10 S 11009, F-3.11 S 11007): one call, never resent —
 * it moves nothing, so an unanswered one is answered `BANK_UNAVAILABLE` and the caller asks again —, whose answer goes
 * to the relationship's owner as `custody.function-resolved`. A flow names its saga kind, its step and what the
 * bank's completion answers.
 */
export abstract class QueryAtBankSaga<P extends FunctionPayloadFields> extends FunctionAtBankSaga<P, QueryPurpose> {
  protected readonly unnamedNextCall = 'ORIGINAL';
  protected readonly firstCall = 'ORIGINAL';

  protected contextOf(manager: EntityManager, saga: SagaRow<P>): StepContext<P> {
    return { manager, saga };
  }

  /** The verdict the bank's completion is: the status, and the answer or failure (never a secret). */
  protected abstract answerOf(completion: Completion): Omit<CustodyFunctionResolution, keyof FunctionPayloadFields>;

  protected async decide(_purpose: QueryPurpose, completion: Completion, { manager, saga }: StepContext<P>): Promise<Transition<QueryPurpose>> {
    await resolveFunction(this.outbox, manager, saga.payload, { ...this.answerOf(completion), ...(completion.bankSerialNo ? { bankSerialNo: completion.bankSerialNo } : {}) });
    return { state: 'DONE' };
  }
}
