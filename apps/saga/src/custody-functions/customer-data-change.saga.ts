import { Injectable } from '@nestjs/common';
import type { CustodyFunctionResolution } from '@custody/contracts';
import { Outbox } from '@custody/messaging';
import { DayCycleService } from '../day/day-cycle.service';
import { type BankCallCommand, BankCallIssuer } from '../engine/bank-call.issuer';
import { SagaStore } from '../engine/saga-store';
import type { StepContext } from '../engine/step';
import { ChangeAtBankSaga } from './change-at-bank.saga';
import type { ChangePurpose } from './change-decisions';
import { type CustomerDataChangePayload, customerDataChangePayload } from './customer-data-change.payload';
import { sendCustomerDataChange } from './send-customer-data-change.step';

/** F-3.5 S: one bank is told the customer's data (11005), resent until it answers definitely. */
@Injectable()
export class CustomerDataChangeSaga extends ChangeAtBankSaga<CustomerDataChangePayload> {
  readonly kind = 'CUSTOMER_DATA_CHANGE';
  protected readonly payload = customerDataChangePayload;

  constructor(store: SagaStore, calls: BankCallIssuer, outbox: Outbox, days: DayCycleService) {
    super(store, calls, outbox, days);
  }

  protected async callFor(purpose: ChangePurpose, ctx: StepContext<CustomerDataChangePayload>): Promise<BankCallCommand> {
    return (await sendCustomerDataChange.invoke({ change: ctx.saga.payload, resend: purpose === 'RESEND' }, ctx)).output;
  }

  /** The verdict is the bank's answer alone: the data stays with account and the saga's payload. */
  protected resolutionOf(): Partial<CustodyFunctionResolution> {
    return {};
  }
}
