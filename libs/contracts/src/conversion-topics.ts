import { z } from 'zod';
import { defineTopic } from './envelope';
import { bankCodeSchema, businessDateSchema, currencySchema, money } from './primitives';

/*
 * Dormant customers (domain.md F-12.3), between the two owners of the facts:
 *
 *   account ──dormancy.check-requested──▶ transfer   (per pre-designated relationship an operator's marking looks at)
 *   account ◀──ledger.activity-reported── transfer   (the ledger's balance and last movement: transfer's facts)
 *   account ──relationship.marked-dormant──▶ transfer (account decided; the ledger leaves S_CHK04 while it is zero)
 *
 * Reactivation is a designation: the bank's confirmation (F-3.2, `designation.confirmed`) wakes both sides.
 * All three are keyed by the fund account number, like every other event of the relationship.
 */

const relationshipOfLedger = {
  /** The account service's relationship the marking looks at. */
  relationshipId: z.string().uuid(),
  fundAccountNo: z.string().min(1),
  currency: currencySchema,
  bankCode: bankCodeSchema,
};

/** An operator's dormant marking asks the ledger's owner for the activity facts of one relationship's fund ledger. */
export const dormancyCheckRequested = defineTopic(
  'dormancy.check-requested',
  1,
  z.object({
    markingId: z.string().uuid(),
    ...relationshipOfLedger,
  }),
);

/**
 * The transfer service's facts of a fund ledger, as they are when it answers: its balance, what is held of it and
 * the business date of its last movement (null: it never moved). `found` false: no ledger of that fund account and
 * currency at that bank (the account service then leaves the relationship as it is).
 */
export const ledgerActivityReported = defineTopic(
  'ledger.activity-reported',
  1,
  z.object({
    markingId: z.string().uuid(),
    ...relationshipOfLedger,
    found: z.boolean(),
    balance: money.optional(),
    held: money.optional(),
    lastMovementDate: businessDateSchema.nullable().optional(),
  }),
);

/**
 * Account marked the relationship DORMANT (F-12.3): the transfer service leaves its ledger out of S_CHK04 while the
 * ledger holds nothing (bank-protocol.md §5: the bank does not report a zero-balance account the broker leaves out).
 * Only a pre-designated ledger takes it: one confirmed meanwhile is awake.
 */
export const relationshipMarkedDormant = defineTopic(
  'relationship.marked-dormant',
  1,
  z.object({
    ...relationshipOfLedger,
    /** The business date the marking judged by. */
    dormantSince: businessDateSchema,
  }),
);
