import type { Money } from '@custody/money';
import type { BankCallCommand } from '../engine/bank-call.issuer';
import { createStep, type StepContext, StepResponse } from '../engine/step';
import { type CustodyCancellationCall, sendCustodyCancellation } from './send-custody-cancellation.step';

/** The 11002 that opens the relationship at the old bank again, without a bank account and hence without a password. */
export interface RestoringCall {
  readonly serialNo: string;
  readonly businessDate: string;
  readonly fundAccountNo: string;
  readonly currency: CustodyCancellationCall['currency'];
  readonly customer: CustodyCancellationCall['customer'];
  /** What the 11004 took out: the old bank holds it again from the moment it opens the custody account. */
  readonly openingBalance: Money;
  readonly resend: boolean;
}

/**
 * F-3.6 at the old bank: the custody account closes with the whole balance leaving it (11004, `ScBal`), or the same
 * request again under its serial. The compensation — the new bank refused to open the relationship — opens a custody
 * account at the old bank again holding that balance: an 11002 (F-3.1), since the broker never keeps the customer's
 * bank password an 11001 would carry; the customer confirms it at the bank (F-3.2, 11003). Never left without a bank.
 */
export const closeCustodyAtOldBank = createStep(
  'close-custody-at-old-bank',
  async ({ cancellation, restoring }: { cancellation: CustodyCancellationCall; restoring: Omit<RestoringCall, 'resend'> }, ctx: StepContext<unknown>) =>
    new StepResponse<BankCallCommand, RestoringCall>((await sendCustodyCancellation.invoke(cancellation, ctx)).output, { ...restoring, resend: false }),
  async (restoring: RestoringCall, ctx: StepContext<unknown>): Promise<BankCallCommand> => ({
    bankCode: ctx.saga.bank_code,
    function: 'PRE_DESIGNATE',
    serialNo: restoring.serialNo,
    businessDate: restoring.businessDate,
    resend: restoring.resend,
    fundAccountNo: restoring.fundAccountNo,
    currency: restoring.currency,
    customer: restoring.customer,
    openingBalance: restoring.openingBalance,
  }),
);
