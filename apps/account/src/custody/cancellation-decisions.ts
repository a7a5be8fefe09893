import type { RelationshipAccountStatus } from '@custody/contracts';
import type { RelationshipStatus } from './custody-relationship.entity';

/** What account holds of the relationship a cancellation names, read under the relationship's lock. */
export interface CancellationFacts {
  /** The fund account's live relationship in the currency (PENDING, PRE_DESIGNATED or DESIGNATED), if any. */
  readonly relationship?: { readonly status: RelationshipStatus; readonly accountStatus: RelationshipAccountStatus; readonly bankCode: string };
  /** A cancellation of it was asked before and the bank has not answered it yet. */
  readonly cancellationPending: boolean;
}

export interface CancellationRefusal {
  readonly code: 'RELATIONSHIP_NOT_ACTIVE' | 'RELATIONSHIP_CHANGING' | 'RELATIONSHIP_FROZEN';
  readonly detail: string;
}

/**
 * F-3.8 S, what account decides before anything is sent: a relationship the bank keeps a custody account for — designated,
 * or pre-designated (its 11004 goes without a bank account, profile §4.1) — not already being cancelled, and not
 * frozen or reported lost (11011). What the ledger holds (balance, holds, transfers in flight) is the transfer
 * service's to check, when the saga closes the ledger.
 */
export function cancellationRefusal(fundAccountNo: string, currency: string, facts: CancellationFacts): CancellationRefusal | undefined {
  const { relationship } = facts;
  if (!relationship) return { code: 'RELATIONSHIP_NOT_ACTIVE', detail: `fund account ${fundAccountNo} has no custody relationship in ${currency} to cancel` };
  if (relationship.status === 'PENDING') {
    return { code: 'RELATIONSHIP_NOT_ACTIVE', detail: `fund account ${fundAccountNo}'s designation at bank ${relationship.bankCode} in ${currency} still awaits the bank's answer` };
  }
  if (facts.cancellationPending) {
    return { code: 'RELATIONSHIP_CHANGING', detail: `fund account ${fundAccountNo}'s relationship with bank ${relationship.bankCode} in ${currency} is being cancelled already` };
  }
  if (relationship.accountStatus !== 'NORMAL') {
    return {
      code: 'RELATIONSHIP_FROZEN',
      detail: `fund account ${fundAccountNo}'s relationship with bank ${relationship.bankCode} is ${relationship.accountStatus} (11011): it cannot be cancelled while frozen or lost; the bank sets it normal first`,
    };
  }
  return undefined;
}
