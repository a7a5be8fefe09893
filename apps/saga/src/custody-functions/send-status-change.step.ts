import type { BankCallCommand } from '../engine/bank-call.issuer';
import { createStep, type StepContext, StepResponse } from '../engine/step';
import type { StatusChangePayload } from './status-change.payload';

/**
 * 11011 S: tells the bank the fund account's new status (Acmt.005.01, the status in our `ScAcct/Status`, profile
 * §4.1), or the same request again with the same serial. Nothing to compensate: the bank processes a `Ref` once and
 * answers a repeat with its first reply; a change the bank took is undone only by another change an operator asks.
 */
export const sendStatusChange = createStep(
  'send-status-change',
  async ({ change, resend }: { change: StatusChangePayload; resend: boolean }, ctx: StepContext<StatusChangePayload>) =>
    new StepResponse<BankCallCommand, undefined>(
      {
        bankCode: ctx.saga.bank_code,
        function: 'CHANGE_ACCOUNT_STATUS',
        serialNo: change.serialNo,
        businessDate: change.businessDate,
        resend,
        fundAccountNo: change.fundAccountNo,
        currency: change.currency,
        bankAccountNo: change.bankAccountNo,
        accountStatus: change.accountStatus,
      },
      undefined,
    ),
);
