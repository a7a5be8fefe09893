import type { DayPhase, ErrorCode } from '@custody/contracts';
import type { BusinessDays } from '@custody/service-kit';
import { withinTransferWindow } from '../transfers/transfer-window';
import type { BankDayRow, BankDayState } from './bank-day.projection';

/** bank-protocol.md §7 step 3, broker side: what it answers the bank's transfer requests outside its day (转账时间已过). */
export const DAY_CLOSED_RETURN_CODE = '3007';

export interface DayRefusal {
  readonly code: Extract<ErrorCode, 'OUTSIDE_TRANSFER_WINDOW' | 'DAY_CLOSED'>;
  readonly detail: string;
}

/**
 * Whether the broker may start a transfer with the bank now (api.md "Transfers refused by the day"):
 * OUTSIDE_TRANSFER_WINDOW before the bank's day start (13012 answered) or before `transferWindow.start`,
 * DAY_CLOSED from the bank's day end — which `transferWindow.end` starts — until the date switch.
 */
export function refusalToStart(bankCode: string, day: BankDayState | undefined, window: { start: string; end: string }, now: Date): DayRefusal | undefined {
  if (!day || day.phase === 'NOT_STARTED') return { code: 'OUTSIDE_TRANSFER_WINDOW', detail: `bank ${bankCode} has not started its day yet (13012 not answered)` };
  if (day.phase !== 'OPEN') return { code: 'DAY_CLOSED', detail: `bank ${bankCode}'s day ${day.businessDate} is ${day.phase}: no new transfers until the next business date` };
  if (!withinTransferWindow(window, now)) return { code: 'OUTSIDE_TRANSFER_WINDOW', detail: `bank ${bankCode} accepts transfers ${window.start}-${window.end} (China time)` };
  return undefined;
}

/**
 * Whether the broker takes a transfer the bank starts: from its 13012 until its 13011 (the bank may still send
 * while its day is ending), otherwise 3007. Reversals, queries and re-sends of what was processed are answered
 * whatever the phase (bank-protocol.md §7 step 3).
 */
export function takesBankTransfers(day: BankDayState | undefined): boolean {
  return day !== undefined && (day.phase === 'OPEN' || day.phase === 'ENDING');
}

/** Phases a date switch leaves behind (domain.md §15: every bank reconciled, or deferred with a reason). */
const FINISHED: ReadonlySet<DayPhase> = new Set(['RECONCILED', 'DEFERRED']);

/**
 * The broker's current business date as the banks' day events show it (api.md: adjustments take it). The saga
 * switches the date in the transaction that finishes the last bank's day, and announces the next date's days only
 * as each bank answers its 13012: so the newest date heard of is current unless every configured bank's day of it
 * is finished, in which case the date has switched to the next business date. Undefined before any day was heard of.
 */
export function brokerBusinessDate(days: readonly BankDayRow[], bankCodes: readonly string[], businessDays: BusinessDays): string | undefined {
  if (days.length === 0) return undefined;
  const newest = days.reduce((latest, day) => (day.businessDate > latest ? day.businessDate : latest), days[0].businessDate);
  const finished = bankCodes.every((code) => days.some((day) => day.bankCode === code && day.businessDate === newest && FINISHED.has(day.phase)));
  return finished ? businessDays.after(newest) : newest;
}
