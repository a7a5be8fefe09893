import type { BankCallCommand } from '../engine/bank-call.issuer';
import { createStep, type StepContext, StepResponse } from '../engine/step';
import type { DesignationPayload } from './designation-saga.payload';

/**
 * F-3.3 S: designates the bank account (11001), or F-3.1: pre-designates the bank (11002, no bank account), or sends
 * the same request again with the same serial. There is nothing to compensate: the bank processes a `Ref` once and
 * answers a resend with its original reply, custody account included (bank-protocol.md §4 idempotency).
 */
export const sendDesignationToBank = createStep(
  'send-designation-to-bank',
  async ({ designation, resend }: { designation: DesignationPayload; resend: boolean }, ctx: StepContext<DesignationPayload>) =>
    new StepResponse<BankCallCommand, undefined>(
      {
        bankCode: ctx.saga.bank_code,
        function: designation.mode,
        serialNo: designation.serialNo,
        businessDate: designation.businessDate,
        resend,
        fundAccountNo: designation.fundAccountNo,
        currency: designation.currency,
        bankAccountNo: designation.bankAccountNo,
        bankPassword: designation.bankPassword,
        customer: { name: designation.customer.name, type: designation.customer.type, idType: designation.customer.idType, idNumber: designation.customer.idNumber },
        openingBalance: designation.openingBalance,
      },
      undefined,
    ),
);
