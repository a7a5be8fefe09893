import { Injectable } from '@nestjs/common';
import type { CustodyFunctionResolution } from '@custody/contracts';
import { Outbox } from '@custody/messaging';
import { DayCycleService } from '../day/day-cycle.service';
import { type BankCallCommand, BankCallIssuer } from '../engine/bank-call.issuer';
import { SagaStore } from '../engine/saga-store';
import type { StepContext } from '../engine/step';
import { ChangeAtBankSaga } from './change-at-bank.saga';
import type { ChangePurpose } from './change-decisions';
import { sendStatusChange } from './send-status-change.step';
import { type StatusChangePayload, statusChangePayload } from './status-change.payload';

/**
 * 11011 S: an operator's freeze, loss report or return to normal of a fund account's custody at its bank. It changes
 * the bank's books, so it is sent again under the same serial until the bank answers definitely; the verdict, with
 * the status the bank took, goes to the ledger and then to account as `custody.function-resolved`.
 */
@Injectable()
export class StatusChangeSaga extends ChangeAtBankSaga<StatusChangePayload> {
  readonly kind = 'STATUS_CHANGE';
  protected readonly payload = statusChangePayload;

  constructor(store: SagaStore, calls: BankCallIssuer, outbox: Outbox, days: DayCycleService) {
    super(store, calls, outbox, days);
  }

  protected async callFor(purpose: ChangePurpose, ctx: StepContext<StatusChangePayload>): Promise<BankCallCommand> {
    return (await sendStatusChange.invoke({ change: ctx.saga.payload, resend: purpose === 'RESEND' }, ctx)).output;
  }

  /** The status travels on only as the one the bank took: a refused change leaves it as it was. */
  protected resolutionOf(payload: StatusChangePayload, made: boolean): Partial<CustodyFunctionResolution> {
    return made ? { accountStatus: payload.accountStatus } : {};
  }
}
