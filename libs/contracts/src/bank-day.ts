import type { DayPhase } from './topics';

/** A bank's day as a service last heard of it (`day.bank-day-changed`). */
export interface BankDayState {
  readonly businessDate: string;
  readonly phase: DayPhase;
}

/** Once 13011 is answered the snapshot of D is taken: a movement made after it belongs to the next date. */
const SNAPSHOT_TAKEN: ReadonlySet<DayPhase> = new Set(['ENDED', 'RECONCILING', 'AWAITING_ADJUSTMENTS', 'RECONCILED', 'DEFERRED']);

/**
 * The business date of something the bank asks of us now — a reversal, an account function — and so the day whose
 * files list it (bank-protocol.md §7 step 3: "a movement either side makes later belongs to the next date"): the
 * bank's day, or the next business date once the day's snapshot is taken. A bank never heard of yet has only the date
 * it sent. Every service that books what a bank starts dates it by this one rule, so both sides' files agree.
 */
export function movementDate(day: BankDayState | undefined, sentDate: string, businessDays: { after(date: string): string }): string {
  if (!day) return sentDate;
  return SNAPSHOT_TAKEN.has(day.phase) ? businessDays.after(day.businessDate) : day.businessDate;
}
