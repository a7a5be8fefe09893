import type { Identity } from './identity-rules';

/**
 * The broker's codes for a customer data change, 11005 (bank-protocol.md §4.1 "11005" and "Broker codes for a bank's
 * account requests"). Written for the bank's request (F-3.5 B) and kept apart from it, so the broker-started side
 * (F-3.5 S) shares what a change is (`customerDataChanges`).
 */
export const CUSTOMER_DATA_CHANGE_CODES = {
  CHANGED: '0000',
  /** The bank reused its serial for another request (as for its transfers). */
  DUPLICATE_BANK_SERIAL: '2004',
  /** 身份证号码不符: a bank may not change the ID document (profile §4.1: the broker's record prevails). */
  IDENTITY_MISMATCH: '2009',
  FUND_ACCOUNT_NOT_FOUND: '2011',
  /** 资金账户与银行方账户未建立对应关系: the fund account has no relationship at this bank. */
  NOT_LINKED: '2013',
  MESSAGE_FORMAT: '2044',
} as const;

/** The data an 11005 carries about the customer (`Cust`, api.md's names); the ID number in clear, never logged. */
export interface CustomerData extends Identity {
  readonly phone?: string | null;
  readonly address?: string | null;
  readonly email?: string | null;
}

export interface CustomerDataChangeRequest {
  /** Empty when the request named none. */
  readonly fundAccountNo: string;
  /** The customer's new data: the full name and ID document; a contact field only where the bank sent it. */
  readonly customer: CustomerData;
}

/** What our books hold about the request's fund account. */
export interface CustomerDataChangeFacts {
  /** Our record of the fund account's customer; undefined: no such fund account. */
  readonly holder?: CustomerData;
  /** Whether the fund account has a live (pre-designated or designated) relationship at the requesting bank. */
  readonly linkedHere: boolean;
}

type Code = (typeof CUSTOMER_DATA_CHANGE_CODES)[keyof typeof CUSTOMER_DATA_CHANGE_CODES];

export type CustomerDataChangeVerdict = { readonly code: typeof CUSTOMER_DATA_CHANGE_CODES.CHANGED } | { readonly code: Exclude<Code, '0000'>; readonly why: string };

/** The fields of our record a change sets, with their new values; empty when the request repeats what we hold. */
export interface CustomerDataChanges {
  readonly name?: string;
  readonly phone?: string;
  readonly address?: string;
  readonly email?: string;
}

/**
 * F-3.5 B (domain.md §3, profile §4.1): whether a bank's customer data change is accepted. It names the fund
 * account (the customer is its holder) and carries the full new name and ID document; the bank must hold a
 * relationship of the fund account (pre-designated or designated: it holds the customer's data either way). The
 * broker's record prevails (Appendix A: 客户信息变更以证券方为准): a bank may change the name and the contact data, not
 * the ID document — that is changed at the broker, which tells every bank.
 */
export function customerDataChangeVerdict(request: CustomerDataChangeRequest, facts: CustomerDataChangeFacts): CustomerDataChangeVerdict {
  if (!request.fundAccountNo || !request.customer.name.trim()) return { code: CUSTOMER_DATA_CHANGE_CODES.MESSAGE_FORMAT, why: '11005 needs ScAcct and the new name (Cust/Name)' };
  if (!facts.holder) return { code: CUSTOMER_DATA_CHANGE_CODES.FUND_ACCOUNT_NOT_FOUND, why: 'no such fund account' };
  if (!facts.linkedHere) return { code: CUSTOMER_DATA_CHANGE_CODES.NOT_LINKED, why: 'the fund account has no relationship at this bank' };
  if (request.customer.idType !== facts.holder.idType || request.customer.idNumber !== facts.holder.idNumber) {
    return { code: CUSTOMER_DATA_CHANGE_CODES.IDENTITY_MISMATCH, why: 'a bank may not change the ID document: the broker holds it' };
  }
  return { code: CUSTOMER_DATA_CHANGE_CODES.CHANGED };
}

/**
 * What an accepted change sets (JR/T 0046 §5.7.4 c: every element present is a new value): the name, and each contact
 * field the request carries that differs from ours. A contact field absent or empty keeps ours: an 11005 sends them
 * "where changed" (profile §4.1), so absence is no erasure.
 */
export function customerDataChanges(holder: CustomerData, customer: CustomerData): CustomerDataChanges {
  const changed = (mine: string | null | undefined, theirs: string | null | undefined): theirs is string => !!theirs && theirs !== (mine ?? undefined);
  return {
    ...(customer.name !== holder.name ? { name: customer.name } : {}),
    ...(changed(holder.phone, customer.phone) ? { phone: customer.phone } : {}),
    ...(changed(holder.address, customer.address) ? { address: customer.address } : {}),
    ...(changed(holder.email, customer.email) ? { email: customer.email } : {}),
  };
}
