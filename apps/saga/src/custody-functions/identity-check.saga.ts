import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { custodyFunctionResolved, type IdentityCheckRequest } from '@custody/contracts';
import { Outbox } from '@custody/messaging';
import { DayCycleService } from '../day/day-cycle.service';
import { type BankCallCommand, BankCallIssuer } from '../engine/bank-call.issuer';
import { BankCallSaga, type Transition } from '../engine/bank-call-saga';
import type { Completion } from '../engine/saga-flow';
import { SagaStore, type SagaRow } from '../engine/saga-store';
import type { StepContext } from '../engine/step';
import { decideIdentityCheck } from './identity-check-decisions';
import { type IdentityCheckPayload, identityCheckPayload } from './identity-check.payload';
import { sendIdentityCheck } from './send-identity-check.step';

/** The one call of a check: it is never resent (`decideQuery`). */
type CheckPurpose = 'ORIGINAL';

/**
 * F-3.11 S: the broker asks the bank to compare the customer it records with the holder of the linked bank account
 * (11007). One call; its answer — matched, not matched with the bank's code, the bank's refusal, or that it did not
 * answer — goes to the relationship's owner as `custody.function-resolved`.
 */
@Injectable()
export class IdentityCheckSaga extends BankCallSaga<IdentityCheckPayload, CheckPurpose> {
  readonly kind = 'IDENTITY_CHECK';
  protected readonly payload = identityCheckPayload;
  protected readonly unnamedNextCall = 'ORIGINAL';

  constructor(
    store: SagaStore,
    calls: BankCallIssuer,
    private readonly outbox: Outbox,
    private readonly days: DayCycleService,
  ) {
    super(store, calls);
  }

  async start(manager: EntityManager, request: IdentityCheckRequest): Promise<void> {
    const payload: IdentityCheckPayload = { ...request, businessDate: await this.days.dateOfNewMovement(manager, request.bankCode) };
    const saga = await this.store.create(manager, this.kind, request.functionId, request.bankCode, payload);
    if (saga) await this.call(this.contextOf(manager, { ...saga, payload }), 'ORIGINAL');
  }

  protected contextOf(manager: EntityManager, saga: SagaRow<IdentityCheckPayload>): StepContext<IdentityCheckPayload> {
    return { manager, saga };
  }

  protected async callFor(_purpose: CheckPurpose, ctx: StepContext<IdentityCheckPayload>): Promise<BankCallCommand> {
    return (await sendIdentityCheck.invoke(ctx.saga.payload, ctx)).output;
  }

  protected async decide(_purpose: CheckPurpose, completion: Completion, { manager, saga }: StepContext<IdentityCheckPayload>): Promise<Transition<CheckPurpose>> {
    const { customer: _sealed, ...check } = saga.payload;
    await this.outbox.add(
      manager,
      custodyFunctionResolved,
      { ...check, ...decideIdentityCheck(completion), ...(completion.bankSerialNo ? { bankSerialNo: completion.bankSerialNo } : {}) },
      { key: check.fundAccountNo },
    );
    return { state: 'DONE' };
  }
}
