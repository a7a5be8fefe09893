/**
 * The broker's business date (domain.md §1: switched at end of day, not at midnight). Until the day
 * cycle (§15) owns it, the date is the calendar date in China Standard Time; every caller goes through
 * this class so the switch to the saga-owned date changes one provider.
 */
export abstract class BusinessCalendar {
  abstract today(): string;
}

/** Time as a dependency, so rules about windows and ages are testable with a fixed clock. */
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
    const shifted = new Date(this.clock.now().getTime() + 8 * 3600_000);
    return shifted.toISOString().slice(0, 10);
  }
}

/** `YYYYMMDD` form used in serial numbers and on the wire. */
export function compactDate(isoDate: string): string {
  return isoDate.replace(/-/g, '');
}
