import type { BankCallCommand } from '../engine/bank-call.issuer';
import { createStep, type StepContext, StepResponse } from '../engine/step';
import type { CustomerDataChangePayload } from './customer-data-change.payload';

/**
 * F-3.5 S: tells the bank the customer's data as the broker holds it now (11005, every currency of the fund account),
 * or the same request again under its serial. Nothing to compensate: the broker's record prevails, and the bank
 * processes a `Ref` once.
 */
export const sendCustomerDataChange = createStep(
  'send-customer-data-change',
  async ({ change, resend }: { change: CustomerDataChangePayload; resend: boolean }, ctx: StepContext<CustomerDataChangePayload>) =>
    new StepResponse<BankCallCommand, undefined>(
      {
        bankCode: ctx.saga.bank_code,
        function: 'CHANGE_CUSTOMER',
        serialNo: change.serialNo,
        businessDate: change.businessDate,
        resend,
        fundAccountNo: change.fundAccountNo,
        currency: change.currency,
        customer: change.customer,
      },
      undefined,
    ),
);
