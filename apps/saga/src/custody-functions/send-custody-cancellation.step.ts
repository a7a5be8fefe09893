import type { BankCallRequestInput } from '@custody/contracts';
import type { Money } from '@custody/money';
import type { BankCallCommand } from '../engine/bank-call.issuer';
import { createStep, type StepContext, StepResponse } from '../engine/step';

/** What an 11004 names: the relationship and its customer (the broker's record), and the balance leaving it. */
export interface CustodyCancellationCall {
  readonly serialNo: string;
  readonly businessDate: string;
  readonly fundAccountNo: string;
  readonly currency: NonNullable<BankCallRequestInput['currency']>;
  /** Absent for a pre-designated relationship (profile §4.1). */
  readonly bankAccountNo?: string;
  readonly customer: NonNullable<BankCallRequestInput['customer']>;
  /** `ScBal`: 0.00 for a cancellation (F-3.8), the whole balance for a change of custodian bank (F-3.6). */
  readonly balanceLeaving: Money;
  /** The same request again, same serial: the bank processes a `Ref` once and answers a repeat as the first. */
  readonly resend: boolean;
}

/**
 * F-3.8 (and F-3.6 at the old bank): asks the bank to close the custody account (11004, Acmt.003.01). Nothing to
 * compensate: a custody account the bank closed is not reopened by the broker; until the bank answers definitely the
 * request is sent again with the same serial, and an unanswered one is never guessed.
 */
export const sendCustodyCancellation = createStep('send-custody-cancellation', async (call: CustodyCancellationCall, ctx: StepContext<unknown>) =>
  new StepResponse<BankCallCommand, undefined>(
    {
      bankCode: ctx.saga.bank_code,
      function: 'CANCEL_DESIGNATION',
      serialNo: call.serialNo,
      businessDate: call.businessDate,
      resend: call.resend,
      fundAccountNo: call.fundAccountNo,
      currency: call.currency,
      bankAccountNo: call.bankAccountNo,
      customer: call.customer,
      balanceLeaving: call.balanceLeaving,
    },
    undefined,
  ),
);
