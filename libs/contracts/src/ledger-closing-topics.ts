import { z } from 'zod';
import { defineTopic } from './envelope';
import { bankCodeSchema, currencySchema, money } from './primitives';

// ---- saga ↔ transfer: a fund ledger closed while a bank decides on its relationship (F-3.8, F-3.6) ----

/**
 * Why a ledger is closed: F-3.8 cancellation (only a ledger with nothing in it closes); F-3.6 change of custodian
 * bank (it closes with its balance, which leaves the old bank, but with nothing held or in flight).
 */
export const ledgerClosingPurposeSchema = z.enum(['CANCELLATION', 'BANK_CHANGE']);
export type LedgerClosingPurpose = z.infer<typeof ledgerClosingPurposeSchema>;

/** The ledger a closing is about, and the function (the broker-started request, `functionId`) it is closed for. */
const closingFields = {
  functionId: z.string().uuid(),
  fundAccountNo: z.string().min(1),
  currency: currencySchema,
  bankCode: bankCodeSchema,
};

/**
 * The saga asks the ledger's owner to close the fund ledger for a function: from then on the ledger takes no transfer
 * and no hold until the function ends it (cancelled) or the saga reopens it. Idempotent by `functionId`: a repeat is
 * answered with the first decision.
 */
export const ledgerClosingRequested = defineTopic(
  'ledger.closing-requested',
  1,
  z.object({ ...closingFields, purpose: ledgerClosingPurposeSchema }),
);
export type LedgerClosingRequest = z.infer<typeof ledgerClosingRequested.schema>;

/** Why the ledger would not close; the request fails with this code (api.md "Custody relationships"). */
export const ledgerClosingRefusalCodeSchema = z.enum(['CANCELLATION_REFUSED', 'BANK_CHANGE_REFUSED', 'RELATIONSHIP_FROZEN', 'RELATIONSHIP_CHANGING', 'RELATIONSHIP_NOT_ACTIVE']);
export type LedgerClosingRefusalCode = z.infer<typeof ledgerClosingRefusalCodeSchema>;

/**
 * The ledger's owner closed the ledger (with the balance it holds, which is what leaves the custody account: 0.00 for
 * a cancellation) or refused, naming the rule; a refusal changed nothing.
 */
export const ledgerClosingDecided = defineTopic(
  'ledger.closing-decided',
  1,
  z.discriminatedUnion('decision', [
    z.object({ ...closingFields, decision: z.literal('CLOSED'), balance: money }),
    z.object({ ...closingFields, decision: z.literal('REFUSED'), refusal: z.object({ code: ledgerClosingRefusalCodeSchema, message: z.string() }) }),
  ]),
);
export type LedgerClosingDecision = z.infer<typeof ledgerClosingDecided.schema>;

/**
 * The compensation of a closing: the bank refused the function definitely, so the ledger takes transfers again.
 * Idempotent by `functionId`; reopening a ledger the function never closed changes nothing.
 */
export const ledgerReopeningRequested = defineTopic('ledger.reopening-requested', 1, z.object(closingFields));
export type LedgerReopeningRequest = z.infer<typeof ledgerReopeningRequested.schema>;

/** The ledger is open again (or was never closed for the function). */
export const ledgerReopened = defineTopic('ledger.reopened', 1, z.object(closingFields));
export type LedgerReopening = z.infer<typeof ledgerReopened.schema>;
