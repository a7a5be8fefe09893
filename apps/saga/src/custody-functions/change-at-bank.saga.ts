import type { EntityManager } from 'typeorm';
import { type CustodyFunctionResolution, custodyFunctionResolved } from '@custody/contracts';
import type { Outbox } from '@custody/messaging';
import type { DayCycleService } from '../day/day-cycle.service';
import type { BankCallIssuer } from '../engine/bank-call.issuer';
import { BankCallSaga, type Transition } from '../engine/bank-call-saga';
import type { Completion } from '../engine/saga-flow';
import type { SagaRow, SagaStore } from '../engine/saga-store';
import type { StepContext } from '../engine/step';
import { type ChangePurpose, decideChange } from './change-decisions';

/** What every change's payload names: the request, its serial, the relationship, and the bank day it is made on. */
export interface ChangePayloadFields {
  readonly functionId: string;
  readonly function: 'CHANGE_BANK_ACCOUNT' | 'CHANGE_CUSTOMER';
  readonly serialNo: string;
  readonly bankCode: string;
  readonly fundAccountNo: string;
  readonly currency: CustodyFunctionResolution['currency'];
  readonly businessDate: string;
}

/**
 * A broker-started account function that changes something at the bank (F-3.4 S 11006, F-3.5 S 11005): one request,
 * sent again under its serial until the bank answers definitely (`decideChange`), whose verdict goes to the
 * relationship's owner as `custody.function-resolved`. A flow names its saga kind, its step and what its verdict
 * carries besides.
 */
export abstract class ChangeAtBankSaga<P extends ChangePayloadFields> extends BankCallSaga<P, ChangePurpose> {
  protected readonly unnamedNextCall = 'RESEND';

  protected constructor(
    store: SagaStore,
    calls: BankCallIssuer,
    private readonly outbox: Outbox,
    private readonly days: DayCycleService,
  ) {
    super(store, calls);
  }

  /** What the verdict carries besides the request's fields (never a secret). */
  protected abstract resolutionOf(payload: P): Partial<CustodyFunctionResolution>;

  async start(manager: EntityManager, request: Omit<P, 'businessDate'>): Promise<void> {
    const payload = this.payload.parse({ ...request, businessDate: await this.days.dateOfNewMovement(manager, request.bankCode) });
    const saga = await this.store.create(manager, this.kind, request.functionId, request.bankCode, payload);
    if (saga) await this.call(this.contextOf(manager, { ...saga, payload }), 'ORIGINAL');
  }

  protected contextOf(manager: EntityManager, saga: SagaRow<P>): StepContext<P> {
    return { manager, saga };
  }

  protected async decide(purpose: ChangePurpose, completion: Completion, { manager, saga }: StepContext<P>): Promise<Transition<ChangePurpose>> {
    const decision = decideChange(purpose, completion, saga.attempt);
    if (decision.verdict) {
      const p = saga.payload;
      await this.outbox.add(
        manager,
        custodyFunctionResolved,
        {
          functionId: p.functionId,
          function: p.function,
          serialNo: p.serialNo,
          bankCode: p.bankCode,
          fundAccountNo: p.fundAccountNo,
          currency: p.currency,
          // The owner's CHK03 lists a change the bank made on the bank day the call was made on.
          businessDate: p.businessDate,
          ...this.resolutionOf(p),
          ...decision.verdict,
          ...(completion.bankSerialNo ? { bankSerialNo: completion.bankSerialNo } : {}),
        },
        { key: p.fundAccountNo },
      );
    }
    return decision;
  }
}
