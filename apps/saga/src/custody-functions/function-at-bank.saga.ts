import type { EntityManager } from 'typeorm';
import type { Outbox } from '@custody/messaging';
import type { DayCycleService } from '../day/day-cycle.service';
import type { BankCallIssuer } from '../engine/bank-call.issuer';
import { BankCallSaga } from '../engine/bank-call-saga';
import type { CallPurpose, SagaStore } from '../engine/saga-store';
import type { StepContext } from '../engine/step';
import type { FunctionPayloadFields } from './function-verdict';

/**
 * A broker-started account function at a bank: the saga starts on the bank day of new movements and makes its first
 * call at once (`begin`) — a query, or a change sent again until the bank answers (QueryAtBankSaga, ChangeAtBankSaga)
 * — or after a first step of its own (LedgerClosingSaga). A flow says what a completion decides.
 */
export abstract class FunctionAtBankSaga<P extends FunctionPayloadFields, Purpose extends CallPurpose, Ctx extends StepContext<P> = StepContext<P>> extends BankCallSaga<
  P,
  Purpose,
  Ctx
> {
  /** The first bank call. */
  protected abstract readonly firstCall: Purpose;

  protected constructor(
    store: SagaStore,
    calls: BankCallIssuer,
    protected readonly outbox: Outbox,
    protected readonly days: DayCycleService,
  ) {
    super(store, calls);
  }

  async start(manager: EntityManager, request: Omit<P, 'businessDate'>): Promise<void> {
    const payload = this.payload.parse({ ...request, businessDate: await this.days.dateOfNewMovement(manager, request.bankCode) });
    const saga = await this.store.create(manager, this.kind, request.functionId, request.bankCode, payload);
    if (saga) await this.begin(this.contextOf(manager, { ...saga, payload }));
  }

  /** The saga's first move, in the transaction that created it. */
  protected async begin(ctx: Ctx): Promise<void> {
    await this.call(ctx, this.firstCall);
  }
}
