import { Injectable } from '@nestjs/common';
import { Outbox } from '@custody/messaging';
import { DayCycleService } from '../day/day-cycle.service';
import { type BankCallCommand, BankCallIssuer } from '../engine/bank-call.issuer';
import type { Completion } from '../engine/saga-flow';
import { SagaStore } from '../engine/saga-store';
import type { StepContext } from '../engine/step';
import { decideIdentityCheck } from './identity-check-decisions';
import { type IdentityCheckPayload, identityCheckPayload } from './identity-check.payload';
import { QueryAtBankSaga } from './query-at-bank.saga';
import { sendIdentityCheck } from './send-identity-check.step';

/**
 * F-3.11 S: the broker asks the bank to compare the customer it records with the holder of the linked bank account
 * (11007). Its answer is matched, not matched with the bank's code, the bank's refusal, or that it did not answer.
 */
@Injectable()
export class IdentityCheckSaga extends QueryAtBankSaga<IdentityCheckPayload> {
  readonly kind = 'IDENTITY_CHECK';
  protected readonly payload = identityCheckPayload;

  constructor(store: SagaStore, calls: BankCallIssuer, outbox: Outbox, days: DayCycleService) {
    super(store, calls, outbox, days);
  }

  protected async callFor(_purpose: 'ORIGINAL', ctx: StepContext<IdentityCheckPayload>): Promise<BankCallCommand> {
    return (await sendIdentityCheck.invoke(ctx.saga.payload, ctx)).output;
  }

  protected answerOf(completion: Completion) {
    return decideIdentityCheck(completion);
  }
}
