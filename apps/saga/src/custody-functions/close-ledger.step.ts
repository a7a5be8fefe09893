import { type LedgerClosingRequest, ledgerClosingRequested, type LedgerReopeningRequest, ledgerReopeningRequested } from '@custody/contracts';
import type { Outbox } from '@custody/messaging';
import { createStep, type StepContext, StepResponse } from '../engine/step';

/** What the ledger steps run in: the saga's transaction and the outbox their requests leave through. */
export interface LedgerStepContext<P> extends StepContext<P> {
  readonly outbox: Outbox;
}

/**
 * F-3.8 (and F-3.6): asks the transfer service to close the fund ledger for the function — it checks what the
 * function needs (a cancellation: zero balance, no hold, nothing frozen or in flight) and from then on takes no
 * transfer and no hold — before the bank is asked to close the custody account. Its answer comes back as
 * `ledger.closing-decided`. The compensation opens the ledger again (the bank refused the function definitely);
 * idempotent by the function's id on the transfer side, as is the closing.
 */
export const closeLedger = createStep(
  'close-ledger',
  async (closing: LedgerClosingRequest, ctx: LedgerStepContext<unknown>) => {
    await ctx.outbox.add(ctx.manager, ledgerClosingRequested, closing, { key: closing.fundAccountNo });
    const { purpose: _purpose, ...ledger } = closing;
    return new StepResponse<undefined, LedgerReopeningRequest>(undefined, ledger);
  },
  async (ledger: LedgerReopeningRequest, ctx: LedgerStepContext<unknown>) => {
    await ctx.outbox.add(ctx.manager, ledgerReopeningRequested, ledger, { key: ledger.fundAccountNo });
  },
);
