import type { BankCallCommand } from '../engine/bank-call.issuer';
import { createStep, type StepContext, StepResponse } from '../engine/step';
import type { IdentityCheckPayload } from './identity-check.payload';

/**
 * F-3.11 S: asks the bank whether the customer we record is the holder of the linked bank account (11007, `Cust`
 * with `BkAcct` and `ScAcct`). Nothing to compensate: a check changes nothing at the bank.
 */
export const sendIdentityCheck = createStep(
  'send-identity-check',
  async (check: IdentityCheckPayload, ctx: StepContext<IdentityCheckPayload>) =>
    new StepResponse<BankCallCommand, undefined>(
      {
        bankCode: ctx.saga.bank_code,
        function: 'CHECK_IDENTITY',
        serialNo: check.serialNo,
        businessDate: check.businessDate,
        fundAccountNo: check.fundAccountNo,
        currency: check.currency,
        bankAccountNo: check.bankAccountNo,
        customer: check.customer,
      },
      undefined,
    ),
);
