import type { BankCallCommand } from '../engine/bank-call.issuer';
import { createStep, StepResponse } from '../engine/step';
import type { TransferPayload, TransferStepContext } from './transfer-saga.payload';

/** What the bank checks a reversal against (bank-protocol.md §4): the original's accounts, currency and amount. */
export type TransferToReverse = Pick<TransferPayload, 'type' | 'serialNo' | 'fundAccountNo' | 'currency' | 'amount' | 'bankAccountNo'>;

/**
 * F-4.1 S / F-4.2 S: the transfer itself (12001/12002), or its resend with the same serial and Resend=Y (F-4.5).
 * Its compensation is the reversal (F-4.3 S 12003 / F-4.4 S 12004); which of the two follows a transfer the bank
 * never saw is `decideTransfer`'s rule.
 */
export const sendTransferToBank = createStep(
  'send-transfer-to-bank',
  async ({ transfer, resend }: { transfer: TransferPayload; resend: boolean }, ctx: TransferStepContext) =>
    new StepResponse<BankCallCommand, TransferToReverse>(
      {
        bankCode: ctx.saga.bank_code,
        fundAccountNo: transfer.fundAccountNo,
        currency: transfer.currency,
        function: transfer.type,
        serialNo: transfer.serialNo,
        businessDate: transfer.businessDate,
        resend,
        amount: transfer.amount,
        bankAccountNo: transfer.bankAccountNo,
        bankPassword: transfer.bankPassword,
      },
      transfer,
    ),
  async (original: TransferToReverse, ctx: TransferStepContext): Promise<BankCallCommand> => {
    // F-4.3 S / F-4.4 S: one reversal per transfer. Its serial is issued once and kept in the saga, so an
    // unanswered reversal is repeated with the same Ref and the bank undoes the original at most once.
    let reversal = ctx.saga.payload.reversal;
    if (!reversal) {
      reversal = await ctx.newSerial();
      await ctx.remember({ reversal });
    }
    return {
      bankCode: ctx.saga.bank_code,
      fundAccountNo: original.fundAccountNo,
      currency: original.currency,
      function: original.type === 'BANK_TO_SECURITIES' ? 'REVERSE_BANK_TO_SECURITIES' : 'REVERSE_SECURITIES_TO_BANK',
      serialNo: reversal.serialNo,
      businessDate: reversal.businessDate,
      resend: false,
      // The bank checks a reversal against its original: same accounts, currency and amount.
      amount: original.amount,
      bankAccountNo: original.bankAccountNo,
      cancelledSerialNo: original.serialNo,
    };
  },
);
