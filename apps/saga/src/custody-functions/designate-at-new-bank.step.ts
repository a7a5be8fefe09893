import type { Money } from '@custody/money';
import type { BankCallCommand } from '../engine/bank-call.issuer';
import { createStep, type StepContext, StepResponse } from '../engine/step';
import type { CustodianBankChangePayload } from './custodian-bank-change.payload';

/**
 * F-3.6 at the new bank: the relationship opens there (11001) on the customer's bank account, with the balance that
 * left the old bank as its opening balance (`ScBal`) — or the same request again under its serial. Nothing to
 * compensate: until the new bank answers definitely the request is sent again, and the bank processes a `Ref` once; its
 * definite refusal is compensated by the step before (`close-custody-at-old-bank`).
 */
export const designateAtNewBank = createStep(
  'designate-at-new-bank',
  async ({ change, openingBalance, businessDate, resend }: { change: CustodianBankChangePayload; openingBalance: Money; businessDate: string; resend: boolean }, _ctx: StepContext<unknown>) =>
    new StepResponse<BankCallCommand, undefined>(
      {
        bankCode: change.newBankCode,
        function: 'DESIGNATE',
        serialNo: change.openingSerialNo,
        businessDate,
        resend,
        fundAccountNo: change.fundAccountNo,
        currency: change.currency,
        bankAccountNo: change.newBankAccountNo,
        bankPassword: change.bankPassword,
        customer: change.customer,
        openingBalance,
      },
      undefined,
    ),
);
