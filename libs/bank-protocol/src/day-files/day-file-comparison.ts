import { Money } from '@custody/money';
import { type CheckFileType, COMPARED_FIELDS, type DayFileRecords } from './day-file-types';

/**
 * The comparison rules of bank-protocol.md §5, in one place for both sides that apply them (the broker's
 * reconciliation and the bank simulator's DIF files must reach the same breaks).
 */

/**
 * The key records of a CHK file are matched by: (`initiator`, the initiator's serial) in CHK01 and CHK03,
 * (`fundAccountNo`, `currency`) in CHK02 and CHK04.
 */
export function matchKeyOf<T extends CheckFileType>(type: T, record: DayFileRecords[T]): string {
  if (type === 'CHK01' || type === 'CHK03') {
    const transfer = record as DayFileRecords['CHK01' | 'CHK03'];
    return `${transfer.initiator}:${transfer.initiator === 'B' ? transfer.bankSerialNo : transfer.brokerSerialNo}`;
  }
  const relationship = record as DayFileRecords['CHK02' | 'CHK04'];
  return `${relationship.fundAccountNo}:${relationship.currency}`;
}

function sameValue(a: unknown, b: unknown): boolean {
  return a instanceof Money && b instanceof Money ? a.equals(b) : a === b;
}

/** The compared fields whose values differ between two matched records, in layout order: an `X` break if any. */
export function differingFields<T extends CheckFileType>(type: T, broker: DayFileRecords[T], bank: DayFileRecords[T]): (keyof DayFileRecords[T] & string)[] {
  const compared = COMPARED_FIELDS[type] as readonly (keyof DayFileRecords[T] & string)[];
  return compared.filter((name) => !sameValue(broker[name], bank[name]));
}
