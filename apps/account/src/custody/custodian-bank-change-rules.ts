import type { ErrorCode } from '@custody/contracts';
import type { CustodyRelationship } from './custody-relationship.entity';

/** What account knows, under its locks, when a change of custodian bank is asked. */
export interface BankChangeFacts {
  /** The fund account's live relationship in the currency, if any. */
  readonly relationship?: Pick<CustodyRelationship, 'status' | 'bankCode' | 'accountStatus'>;
  /** Whether `newBankCode` is one of the configured banks. */
  readonly newBankConfigured: boolean;
  /** A function that changes the relationship (a cancellation, bank change, status or bank account change) awaits its bank. */
  readonly changeInFlight: boolean;
  /** domain.md §13: another fund account of the customer with a live relationship at the new bank. */
  readonly otherFundAccountAtNewBank?: string;
}

export interface BankChangeRefusal {
  readonly code: ErrorCode;
  readonly detail: string;
  readonly field?: string;
}

/**
 * F-3.6 S: what account refuses before anything is sent, first in the customer's way first. What the ledger holds (a
 * hold, a transfer in flight) is the transfer service's to refuse when the saga closes it (BANK_CHANGE_REFUSED).
 */
export function bankChangeRefusal(request: { fundAccountNo: string; currency: string; newBankCode: string }, facts: BankChangeFacts): BankChangeRefusal | undefined {
  const which = `fund account ${request.fundAccountNo} in ${request.currency}`;
  if (!facts.newBankConfigured) return { code: 'UNKNOWN_BANK', detail: `bank ${request.newBankCode} is not configured`, field: 'newBankCode' };
  const { relationship } = facts;
  if (!relationship) return { code: 'RELATIONSHIP_NOT_ACTIVE', detail: `${which} has no custodian bank to change from` };
  if (relationship.status === 'PENDING' || facts.changeInFlight) {
    return { code: 'RELATIONSHIP_CHANGING', detail: `${which} has a change of its relationship at bank ${relationship.bankCode} awaiting the bank's answer` };
  }
  if (relationship.bankCode === request.newBankCode) {
    return { code: 'VALIDATION_FAILED', detail: `${which} is already at bank ${request.newBankCode}: a bank account changes by POST /v1/custody/bank-account-changes (F-3.4)`, field: 'newBankCode' };
  }
  if (relationship.accountStatus !== 'NORMAL') {
    return { code: 'RELATIONSHIP_FROZEN', detail: `${which} is ${relationship.accountStatus} at bank ${relationship.bankCode} (11011): the bank sets it normal first` };
  }
  if (facts.otherFundAccountAtNewBank) {
    return { code: 'BANK_ALREADY_USED', detail: `the customer already holds fund account ${facts.otherFundAccountAtNewBank} at bank ${request.newBankCode} (domain.md §13)` };
  }
  return undefined;
}
