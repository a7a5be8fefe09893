import type { BankCallCommand } from '../engine/bank-call.issuer';
import { createStep, StepResponse } from '../engine/step';
import type { TransferPayload, TransferStepContext } from './transfer-saga.payload';

/**
 * F-4.6: asks the bank how the original ended (12005, a new serial, QryRef = the original's). A query changes
 * nothing at the bank, so there is nothing to compensate.
 */
export const queryTransfer = createStep('query-transfer', async (transfer: TransferPayload, ctx: TransferStepContext) => {
  const { serialNo, businessDate } = await ctx.newSerial();
  return new StepResponse<BankCallCommand, undefined>(
    {
      bankCode: ctx.saga.bank_code,
      fundAccountNo: transfer.fundAccountNo,
      currency: transfer.currency,
      function: 'QUERY_RESULT',
      serialNo,
      businessDate,
      resend: false,
      queriedSerialNo: transfer.serialNo,
      queriedFunction: transfer.type,
    },
    undefined,
  );
});
