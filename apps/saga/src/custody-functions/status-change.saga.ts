import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { custodyFunctionResolved, type StatusChangeRequest } from '@custody/contracts';
import { Outbox } from '@custody/messaging';
import { DayCycleService } from '../day/day-cycle.service';
import { type BankCallCommand, BankCallIssuer } from '../engine/bank-call.issuer';
import { BankCallSaga, type Transition } from '../engine/bank-call-saga';
import type { Completion } from '../engine/saga-flow';
import { SagaStore, type SagaRow } from '../engine/saga-store';
import type { StepContext } from '../engine/step';
import { type BankChangePurpose, decideBankChange } from './bank-change-decisions';
import { sendStatusChange } from './send-status-change.step';
import { type StatusChangePayload, statusChangePayload } from './status-change.payload';

/**
 * 11011 S: an operator's freeze, loss report or return to normal of a fund account's custody at its bank. It changes
 * the bank's books, so it is sent again under the same serial until the bank answers definitely
 * (`decideBankChange`); the verdict, with the status the bank took, goes to the ledger and then to account as
 * `custody.function-resolved`.
 */
@Injectable()
export class StatusChangeSaga extends BankCallSaga<StatusChangePayload, BankChangePurpose> {
  readonly kind = 'STATUS_CHANGE';
  protected readonly payload = statusChangePayload;
  protected readonly unnamedNextCall = 'RESEND';

  constructor(
    store: SagaStore,
    calls: BankCallIssuer,
    private readonly outbox: Outbox,
    private readonly days: DayCycleService,
  ) {
    super(store, calls);
  }

  async start(manager: EntityManager, request: StatusChangeRequest): Promise<void> {
    const payload: StatusChangePayload = { ...request, businessDate: await this.days.dateOfNewMovement(manager, request.bankCode) };
    const saga = await this.store.create(manager, this.kind, request.functionId, request.bankCode, payload);
    if (saga) await this.call(this.contextOf(manager, { ...saga, payload }), 'ORIGINAL');
  }

  protected contextOf(manager: EntityManager, saga: SagaRow<StatusChangePayload>): StepContext<StatusChangePayload> {
    return { manager, saga };
  }

  protected async callFor(purpose: BankChangePurpose, ctx: StepContext<StatusChangePayload>): Promise<BankCallCommand> {
    return (await sendStatusChange.invoke({ change: ctx.saga.payload, resend: purpose === 'RESEND' }, ctx)).output;
  }

  protected async decide(purpose: BankChangePurpose, completion: Completion, { manager, saga }: StepContext<StatusChangePayload>): Promise<Transition<BankChangePurpose>> {
    const decision = decideBankChange(purpose, completion, saga.attempt);
    if (decision.verdict) {
      // The status travels on only as the one the bank took: a refused change leaves it as it was.
      const { accountStatus, ...change } = saga.payload;
      await this.outbox.add(
        manager,
        custodyFunctionResolved,
        {
          ...change,
          ...decision.verdict,
          ...(completion.bankSerialNo ? { bankSerialNo: completion.bankSerialNo } : {}),
          ...(decision.verdict.status === 'SUCCEEDED' ? { accountStatus } : {}),
        },
        { key: change.fundAccountNo },
      );
    }
    return decision;
  }
}
