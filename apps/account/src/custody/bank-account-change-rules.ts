import type { ErrorCode, RelationshipAccountStatus } from '@custody/contracts';
import type { RelationshipStatus } from './custody-relationship.entity';

/** What the customer asks: leave `oldBankAccountNo` for `newBankAccountNo` on one relationship (one currency). */
export interface BankAccountChangeAsked {
  readonly fundAccountNo: string;
  readonly currency: string;
  readonly oldBankAccountNo: string;
  readonly newBankAccountNo: string;
}

/** What our books hold: the fund account's live relationship in that currency, and whether a change of it is under way. */
export interface BankAccountChangeBooks {
  readonly relationship?: {
    readonly status: RelationshipStatus;
    readonly bankCode: string;
    readonly bankAccountNo: string | null;
    readonly accountStatus: RelationshipAccountStatus;
  };
  readonly changeInFlight: boolean;
}

export interface BankAccountChangeRefusal {
  readonly code: ErrorCode;
  readonly detail: string;
  /** The request field at fault, for a refusal of the input. */
  readonly field?: 'oldBankAccountNo' | 'newBankAccountNo';
}

/**
 * F-3.4 S (domain.md §3, profile §4.1 "11006"): what the broker checks before it sends a change of a relationship's
 * bank settlement account — the initiator "checks the custody relationship on the old account"; the bank checks that
 * the new account is the same customer's (5016) and exists. Refused before anything is recorded or sent:
 * - the same account twice asks for nothing (the bank would answer 1017): VALIDATION_FAILED on `newBankAccountNo`;
 * - only a DESIGNATED relationship has a bank account to leave (a pre-designated one gets it from the bank's 11003):
 *   RELATIONSHIP_NOT_ACTIVE;
 * - a frozen or lost one may not steer its money to another account (the bank lifts the status first, 11011):
 *   RELATIONSHIP_FROZEN;
 * - one change at a time: while the bank has not answered the last, the old account the next names is not known
 *   yet: RELATIONSHIP_CHANGING;
 * - the old account must be the one linked (the bank would answer 1016): VALIDATION_FAILED on `oldBankAccountNo`.
 *
 * The bank's own 11006 (F-3.4 B) is decided by the broker's codes in the bank-started module; the two share the
 * relationship's conditions, not their answers (a problem here, a §7.23 code there).
 */
export function bankAccountChangeRefusal(asked: BankAccountChangeAsked, books: BankAccountChangeBooks): BankAccountChangeRefusal | undefined {
  if (asked.newBankAccountNo === asked.oldBankAccountNo) {
    return { code: 'VALIDATION_FAILED', field: 'newBankAccountNo', detail: 'newBankAccountNo is the same as oldBankAccountNo: there is nothing to change' };
  }
  const { relationship } = books;
  if (!relationship || relationship.status !== 'DESIGNATED') {
    const state = relationship ? `is ${relationship.status} at bank ${relationship.bankCode}, with no bank account to change` : `has no relationship in ${asked.currency}`;
    return { code: 'RELATIONSHIP_NOT_ACTIVE', detail: `fund account ${asked.fundAccountNo} ${state}` };
  }
  if (relationship.accountStatus !== 'NORMAL') {
    return { code: 'RELATIONSHIP_FROZEN', detail: `fund account ${asked.fundAccountNo} is ${relationship.accountStatus} at bank ${relationship.bankCode}: its bank account cannot change until the bank lifts that` };
  }
  if (books.changeInFlight) {
    return { code: 'RELATIONSHIP_CHANGING', detail: `a change of fund account ${asked.fundAccountNo}'s bank account in ${asked.currency} awaits the bank's answer` };
  }
  if (relationship.bankAccountNo !== asked.oldBankAccountNo) {
    return { code: 'VALIDATION_FAILED', field: 'oldBankAccountNo', detail: `oldBankAccountNo is not the bank account linked to fund account ${asked.fundAccountNo} in ${asked.currency}` };
  }
  return undefined;
}
