import type { RelationshipStatus } from './custody-relationship.entity';
import { type Identity, identityMismatch } from './identity-rules';

/** The broker's codes for a bank's 11003 (bank-protocol.md §4.1 "Broker codes for a bank's account requests"). */
export const CONFIRMATION_CODES = {
  CONFIRMED: '0000',
  /** The bank reused its serial for another request (as for its transfers). */
  DUPLICATE_BANK_SERIAL: '2004',
  IDENTITY_MISMATCH: '2009',
  FUND_ACCOUNT_NOT_FOUND: '2011',
  MESSAGE_FORMAT: '2044',
  NAME_MISMATCH: '2047',
  NOT_PRE_DESIGNATED: '3003',
} as const;

export interface ConfirmationRequest {
  readonly bankCode: string;
  /** Empty when the bank named none. */
  readonly fundAccountNo: string;
  readonly bankAccountNo?: string;
  readonly customer: Identity;
}

/** What our books hold about the request's fund account and currency. */
export interface ConfirmationFacts {
  /** Undefined: no such fund account. */
  readonly holder?: Identity;
  /** The fund account's live relationship in the request's currency, if any. */
  readonly relationship?: { readonly status: RelationshipStatus; readonly bankCode: string };
}

export type ConfirmationVerdict =
  | { readonly code: typeof CONFIRMATION_CODES.CONFIRMED }
  | { readonly code: Exclude<(typeof CONFIRMATION_CODES)[keyof typeof CONFIRMATION_CODES], '0000'>; readonly why: string };

/**
 * F-3.2 B: whether the bank's confirmation of a pre-designation is accepted. The accounts first (a request
 * without them names nothing to check), then the relationship (only a pre-designation at this very bank can be
 * confirmed), then the customer the bank identified against ours: name, then the ID document.
 */
export function confirmationVerdict(request: ConfirmationRequest, facts: ConfirmationFacts): ConfirmationVerdict {
  if (!request.fundAccountNo || !request.bankAccountNo) return { code: CONFIRMATION_CODES.MESSAGE_FORMAT, why: '11003 needs BkAcct and ScAcct' };
  if (!facts.holder) return { code: CONFIRMATION_CODES.FUND_ACCOUNT_NOT_FOUND, why: 'no such fund account' };
  const { relationship } = facts;
  if (relationship?.status !== 'PRE_DESIGNATED' || relationship.bankCode !== request.bankCode) {
    const state = relationship ? `${relationship.status} at bank ${relationship.bankCode}` : 'without a relationship in this currency';
    return { code: CONFIRMATION_CODES.NOT_PRE_DESIGNATED, why: `the fund account is ${state}, not pre-designated at this bank` };
  }
  const mismatch = identityMismatch(request.customer, facts.holder);
  if (mismatch === 'NAME') return { code: CONFIRMATION_CODES.NAME_MISMATCH, why: "the name is not our customer's" };
  if (mismatch === 'ID_DOCUMENT') return { code: CONFIRMATION_CODES.IDENTITY_MISMATCH, why: "the ID document is not our customer's" };
  return { code: CONFIRMATION_CODES.CONFIRMED };
}
