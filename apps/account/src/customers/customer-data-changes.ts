/** The customer data a bank holds too (profile §4.1 "11005": `Name`, `Type`, `CertType`/`CertId`, `Mobile`, `Addr`, `Email`). */
export interface CustomerData {
  readonly name: string;
  readonly type: string;
  readonly idType: string;
  /** In clear, only to compare; never logged. */
  readonly idNumber: string;
  readonly phone: string | null;
  readonly address: string | null;
  readonly email: string | null;
}

/** What a change touched: the ID document counts as one (its type and number are changed together). */
export type CustomerDataField = 'name' | 'type' | 'idDocument' | 'phone' | 'address' | 'email';

/**
 * F-3.5: which of the data the banks hold a `PUT /v1/customers/{no}` changes (api.md: a PUT replaces the record, so an
 * absent contact field is erased). Empty when it repeats what the broker holds.
 */
export function customerDataChanges(before: CustomerData, after: CustomerData): CustomerDataField[] {
  const changed: CustomerDataField[] = [];
  if (before.name !== after.name) changed.push('name');
  if (before.type !== after.type) changed.push('type');
  if (before.idType !== after.idType || before.idNumber !== after.idNumber) changed.push('idDocument');
  for (const field of ['phone', 'address', 'email'] as const) {
    if ((before[field] ?? null) !== (after[field] ?? null)) changed.push(field);
  }
  return changed;
}
