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
