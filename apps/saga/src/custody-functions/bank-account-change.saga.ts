import { Injectable } from '@nestjs/common';
import type { CustodyFunctionResolution } from '@custody/contracts';
import { Outbox } from '@custody/messaging';
import { DayCycleService } from '../day/day-cycle.service';
import { type BankCallCommand, BankCallIssuer } from '../engine/bank-call.issuer';
import { SagaStore } from '../engine/saga-store';
import type { StepContext } from '../engine/step';
import { type BankAccountChangePayload, bankAccountChangePayload } from './bank-account-change.payload';
import { ChangeAtBankSaga } from './change-at-bank.saga';
import type { ChangePurpose } from './change-decisions';
import { sendBankAccountChange } from './send-bank-account-change.step';

/**
 * F-3.4 S: the relationship's bank settlement account is replaced at the bank (11006), resent until the bank answers
 * definitely; the verdict names both accounts, so the ledger takes the new one before account records it.
 */
@Injectable()
export class BankAccountChangeSaga extends ChangeAtBankSaga<BankAccountChangePayload> {
  readonly kind = 'BANK_ACCOUNT_CHANGE';
  protected readonly payload = bankAccountChangePayload;

  constructor(store: SagaStore, calls: BankCallIssuer, outbox: Outbox, days: DayCycleService) {
    super(store, calls, outbox, days);
  }

  protected async callFor(purpose: ChangePurpose, ctx: StepContext<BankAccountChangePayload>): Promise<BankCallCommand> {
    return (await sendBankAccountChange.invoke({ change: ctx.saga.payload, resend: purpose === 'RESEND' }, ctx)).output;
  }

  protected resolutionOf(payload: BankAccountChangePayload): Partial<CustodyFunctionResolution> {
    return { oldBankAccountNo: payload.oldBankAccountNo, newBankAccountNo: payload.newBankAccountNo };
  }
}
