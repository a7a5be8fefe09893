import type { z } from 'zod';
import type { fundPasswordCheckSchema } from '@custody/contracts';
import { type Identity, identityMismatch } from './identity-rules';

/** The broker's codes for a bank's 11007 (bank-protocol.md §4.1 "Broker codes for a bank's account requests"). */
export const IDENTITY_CHECK_CODES = {
  MATCHED: '0000',
  WRONG_FUND_PASSWORD: '2001',
  /** The bank reused its serial for another request (as for its transfers). */
  DUPLICATE_BANK_SERIAL: '2004',
  IDENTITY_MISMATCH: '2009',
  FUND_ACCOUNT_NOT_FOUND: '2011',
  MESSAGE_FORMAT: '2044',
  NAME_MISMATCH: '2047',
} as const;

export interface IdentityCheckRequest {
  /** Empty when the bank named none. */
  readonly fundAccountNo: string;
  readonly customer: Identity;
  /** The adapter's verdict on the fund password the customer typed (`Pwd` Type 0); absent when none was sent. */
  readonly fundPassword?: z.infer<typeof fundPasswordCheckSchema>;
}

/** What our books hold: the customer of the fund account, undefined when there is no such fund account. */
export interface IdentityCheckFacts {
  readonly holder?: Identity;
}

export type IdentityCheckVerdict =
  | { readonly code: typeof IDENTITY_CHECK_CODES.MATCHED }
  | { readonly code: Exclude<(typeof IDENTITY_CHECK_CODES)[keyof typeof IDENTITY_CHECK_CODES], '0000' | '2004'>; readonly why: string };

/**
 * F-3.11 B (11007): whether the customer the bank identified at its counter is our fund account's customer —
 * name, then ID document (identity-rules.ts), then the fund password when one was typed (profile §4.1: `Type` 0
 * where the customer is present; without one the check is of the document alone). The fund account need not be
 * at the asking bank: a bank checks a customer before it designates (F-3.3 B), and the answer is only whether the
 * person it already identified is ours. The currency is not compared: an identity is the customer's, in every one.
 */
export function identityCheckVerdict(request: IdentityCheckRequest, facts: IdentityCheckFacts): IdentityCheckVerdict {
  if (!request.fundAccountNo) return { code: IDENTITY_CHECK_CODES.MESSAGE_FORMAT, why: '11007 needs ScAcct' };
  if (!facts.holder) return { code: IDENTITY_CHECK_CODES.FUND_ACCOUNT_NOT_FOUND, why: 'no such fund account' };
  const mismatch = identityMismatch(request.customer, facts.holder);
  if (mismatch === 'NAME') return { code: IDENTITY_CHECK_CODES.NAME_MISMATCH, why: "the name is not our customer's" };
  if (mismatch === 'ID_DOCUMENT') return { code: IDENTITY_CHECK_CODES.IDENTITY_MISMATCH, why: "the ID document is not our customer's" };
  const password = request.fundPassword;
  if (password !== undefined && password !== 'MISSING' && password !== 'MATCHED') {
    return { code: IDENTITY_CHECK_CODES.WRONG_FUND_PASSWORD, why: `the fund password was not verified (${password})` };
  }
  return { code: IDENTITY_CHECK_CODES.MATCHED };
}
