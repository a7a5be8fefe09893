/**
 * F-3.11 (domain.md §3, §14): whether an identity presented for a customer is the one the broker holds — the one
 * comparison behind every function that identifies a customer: the bank's identity check (11007 B), its confirmation
 * of a pre-designation (11003 B), and the functions to come that carry the customer (11001 B, 11006, 11007 S).
 */

/** An identity as the bank read it off the customer's document, or as we hold it; the ID number in clear, never logged. */
export interface Identity {
  readonly name: string;
  /** The two-digit code of JR/T 0046 §7.9. */
  readonly idType: string;
  readonly idNumber: string;
}

/** What differs, the name first (the broker's codes: 2047 for the name, 2009 for the ID document, profile §4.1). */
export type IdentityMismatch = 'NAME' | 'ID_DOCUMENT';

/**
 * Undefined when `presented` is `held`. Surrounding blanks are no part of a name or a number, and an ID number is
 * compared regardless of letter case: the check character of a resident ID card is an X that counters also write x.
 */
export function identityMismatch(presented: Identity, held: Identity): IdentityMismatch | undefined {
  if (presented.name.trim() !== held.name.trim()) return 'NAME';
  if (presented.idType.trim() !== held.idType.trim() || presented.idNumber.trim().toUpperCase() !== held.idNumber.trim().toUpperCase()) return 'ID_DOCUMENT';
  return undefined;
}
