import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import type { z } from 'zod';
import { designationResolved, type designationRequested } from '@custody/contracts';
import { Outbox } from '@custody/messaging';
import { DayCycleService } from '../day/day-cycle.service';
import { type BankCallCommand, BankCallIssuer } from '../engine/bank-call.issuer';
import { BankCallSaga, type Transition } from '../engine/bank-call-saga';
import type { Completion } from '../engine/saga-flow';
import { SagaStore, type SagaRow } from '../engine/saga-store';
import type { StepContext } from '../engine/step';
import type { CallPurpose } from '../transfer/transfer-decisions';
import { decideDesignation } from './designation-decisions';
import { type DesignationPayload, designationSagaPayload } from './designation-saga.payload';
import { LedgerClient } from './ledger-client';
import { sendDesignationToBank } from './send-designation-to-bank.step';

type DesignationRequested = z.infer<typeof designationRequested.schema>;

/**
 * F-3.3 S and F-3.1: a custody relationship designated (11001) or pre-designated (11002) at the bank. The saga asks
 * the ledger for the opening balance, sends the request and resends it, same serial, until the bank answers
 * definitely (`decideDesignation`); the verdict goes to the relationship's owner as `designation.resolved`.
 */
@Injectable()
export class DesignationSaga extends BankCallSaga<DesignationPayload, CallPurpose> {
  readonly kind = 'DESIGNATION';
  protected readonly payload = designationSagaPayload;
  protected readonly unnamedNextCall = 'QUERY';

  constructor(
    store: SagaStore,
    calls: BankCallIssuer,
    private readonly outbox: Outbox,
    private readonly days: DayCycleService,
    private readonly ledger: LedgerClient,
  ) {
    super(store, calls);
  }

  async start(manager: EntityManager, event: DesignationRequested): Promise<void> {
    const openingBalance = await this.ledger.balance(event.fundAccountNo, event.currency);
    const payload: DesignationPayload = { ...event, openingBalance, businessDate: await this.days.dateOfNewMovement(manager, event.bankCode) };
    const saga = await this.store.create(manager, 'DESIGNATION', event.relationshipId, event.bankCode, payload);
    if (saga) await this.call(this.contextOf(manager, { ...saga, payload }), 'ORIGINAL');
  }

  protected contextOf(manager: EntityManager, saga: SagaRow<DesignationPayload>): StepContext<DesignationPayload> {
    return { manager, saga };
  }

  protected async callFor(purpose: CallPurpose, ctx: StepContext<DesignationPayload>): Promise<BankCallCommand> {
    return (await sendDesignationToBank.invoke({ designation: ctx.saga.payload, resend: purpose === 'RESEND' }, ctx)).output;
  }

  protected async decide(purpose: CallPurpose, completion: Completion, { manager, saga }: StepContext<DesignationPayload>): Promise<Transition<CallPurpose>> {
    const decision = decideDesignation(saga.payload.mode, purpose, completion, saga.attempt);
    if (decision.resolution) {
      const p = saga.payload;
      await this.outbox.add(manager, designationResolved, {
        relationshipId: p.relationshipId,
        fundAccountNo: p.fundAccountNo,
        currency: p.currency,
        bankCode: p.bankCode,
        bankAccountNo: p.bankAccountNo,
        ...decision.resolution,
        // What the relationship's owner lists in its CHK02/CHK03 of the day (bank-protocol.md §5): the bank day the
        // 11001 or 11002 was made on, the bank's serial from its reply, and the opening balance it carried.
        businessDate: p.businessDate,
        ...(completion.bankSerialNo ? { bankSerialNo: completion.bankSerialNo } : {}),
        openingBalance: p.openingBalance,
      }, { key: p.fundAccountNo });
    }
    return decision;
  }
}
