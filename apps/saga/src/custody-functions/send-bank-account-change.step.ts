import type { BankCallCommand } from '../engine/bank-call.issuer';
import { createStep, type StepContext, StepResponse } from '../engine/step';
import type { BankAccountChangePayload } from './bank-account-change.payload';

/**
 * F-3.4 S: asks the bank to replace the relationship's bank settlement account (11006): the old account in `BkAcct`
 * (with the customer's bank password for it, when given: profile §4.1, `Type` 1), the new one in `NewBkAcct`, the
 * customer for the bank's check that the new account is theirs (§5.9.4 c) — or the same request again under its
 * serial. Nothing to compensate: the bank processes a `Ref` once and answers a repeat with its first reply.
 */
export const sendBankAccountChange = createStep(
  'send-bank-account-change',
  async ({ change, resend }: { change: BankAccountChangePayload; resend: boolean }, ctx: StepContext<BankAccountChangePayload>) =>
    new StepResponse<BankCallCommand, undefined>(
      {
        bankCode: ctx.saga.bank_code,
        function: 'CHANGE_BANK_ACCOUNT',
        serialNo: change.serialNo,
        businessDate: change.businessDate,
        resend,
        fundAccountNo: change.fundAccountNo,
        currency: change.currency,
        bankAccountNo: change.oldBankAccountNo,
        newBankAccountNo: change.newBankAccountNo,
        ...(change.bankPassword ? { bankPassword: change.bankPassword } : {}),
        customer: change.customer,
      },
      undefined,
    ),
);
