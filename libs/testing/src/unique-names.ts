import { randomBytes } from 'node:crypto';

/**
 * Unique per test process: topics, groups and schemas of one run never collide with another run's
 * or a parallel worker's, so tests need no clean-up on the broker and can read `fromBeginning`.
 */
export const testRunId = `${Date.now().toString(36)}${randomBytes(3).toString('hex')}`;
let sequence = 0;

function next(): string {
  sequence += 1;
  return `${testRunId}${sequence.toString(36)}`;
}

export function uniqueTopicName(base: string): string {
  return `test.${base}.${next()}`;
}

export function uniqueGroupId(base: string): string {
  return `test-${base}-${next()}`;
}

let digitSequence = 0;
/** Digits unique across test runs against one database (a millisecond stamp, a sequence, a random tail). */
export function uniqueDigits(length: number): string {
  digitSequence += 1;
  const stamp = `${Date.now()}${(digitSequence % 1000).toString().padStart(3, '0')}${Math.floor(Math.random() * 1000).toString().padStart(3, '0')}`;
  return stamp.slice(-length).padStart(length, '1');
}

/** A fund account number as brokers number them: 12 digits (at most 14, bank-protocol.md §5). */
export function uniqueFundAccountNo(): string {
  return uniqueDigits(12);
}

/** A lower-case identifier of at most 63 characters, as PostgreSQL wants. */
export function uniqueSchemaName(base: string): string {
  const clean = base.toLowerCase().replace(/[^a-z0-9_]/g, '_').slice(0, 30);
  return `t_${clean}_${next()}`.slice(0, 63);
}

const CITIZEN_CHECK_WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];

/**
 * A citizen identity number (身份证) of GB 11643 with its right check digit, unique per call: area 110101, a birth
 * date and a sequence drawn from unique digits. (Other fixtures' numbers have arbitrary last digits: F-12.1 finds
 * those ill-formed.)
 */
export function uniqueCitizenNumber(): string {
  const unique = uniqueDigits(8);
  const born = new Date(Date.UTC(1950, 0, 1) + (Number(unique.slice(0, 5)) % 20_000) * 86_400_000).toISOString().slice(0, 10).replace(/-/g, '');
  const first17 = `110101${born}${unique.slice(5)}`;
  const sum = CITIZEN_CHECK_WEIGHTS.reduce((total, weight, i) => total + weight * Number(first17[i]), 0);
  return `${first17}${'10X98765432'[sum % 11]}`;
}
