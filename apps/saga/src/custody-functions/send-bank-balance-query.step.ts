import type { BankCallCommand } from '../engine/bank-call.issuer';
import { createStep, type StepContext, StepResponse } from '../engine/step';
import type { BankBalanceQueryPayload } from './bank-balance-query.payload';

/**
 * F-3.10 S: asks the bank the balance of the customer's settlement account (11009), with the bank password the
 * customer gave (profile §4.1: `Type` 0 in `BkAcct`). Nothing to compensate: a query changes nothing at the bank.
 */
export const sendBankBalanceQuery = createStep(
  'send-bank-balance-query',
  async (query: BankBalanceQueryPayload, ctx: StepContext<BankBalanceQueryPayload>) =>
    new StepResponse<BankCallCommand, undefined>(
      {
        bankCode: ctx.saga.bank_code,
        function: 'QUERY_BANK_BALANCE',
        serialNo: query.serialNo,
        businessDate: query.businessDate,
        fundAccountNo: query.fundAccountNo,
        currency: query.currency,
        bankAccountNo: query.bankAccountNo,
        bankPassword: query.bankPassword,
      },
      undefined,
    ),
);
