import { chinaDateOf } from './business-days';

/**
 * The broker's business date (domain.md §1: switched at end of day, not at midnight). Until the day
 * cycle (§15) owns it, the date is the calendar date in China Standard Time; every caller goes through
 * this class so the switch to the saga-owned date changes one provider.
 */
export abstract class BusinessCalendar {
  abstract today(): string;
}

/** Time as a dependency, so rules about windows and ages are testable with a fixed clock. */
/**
 * How far two hosts' wall clocks may disagree (NTP keeps them far closer). An instant stamped on another
 * host is never compared with this one's clock without this allowance, and only where erring towards
 * "still in time" is the side the protocol can undo.
 */
export const MAX_CLOCK_SKEW_MS = 5_000;

export class Clock {
  now(): Date {
    return new Date();
  }
}

export class ChinaCalendarDate extends BusinessCalendar {
  constructor(private readonly clock: Clock = new Clock()) {
    super();
  }

  today(): string {
    return chinaDateOf(this.clock.now());
  }
}

/** `YYYYMMDD` form used in serial numbers and on the wire. */
export function compactDate(isoDate: string): string {
  return isoDate.replace(/-/g, '');
}
