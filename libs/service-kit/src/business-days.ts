/**
 * The broker's business days (spec/api.md "Configuration"): Monday to Friday, except the configured
 * `holidays`. Dates are `YYYY-MM-DD`, read as calendar dates with no time zone; the date switch (domain.md
 * §15 step 7) moves to the next business day. Pure rules: who holds the current business date is the day
 * cycle's business (the saga), not this.
 */
export class BusinessDays {
  private readonly holidays: ReadonlySet<string>;

  constructor(holidays: readonly string[] = []) {
    for (const day of holidays) assertIsoDate(day);
    this.holidays = new Set(holidays);
  }

  isBusinessDay(date: string): boolean {
    const weekday = utcDate(date).getUTCDay();
    return weekday !== 0 && weekday !== 6 && !this.holidays.has(date);
  }

  /** `date` itself when it is a business day, else the next one. */
  onOrAfter(date: string): string {
    let day = date;
    while (!this.isBusinessDay(day)) day = addDays(day, 1);
    return day;
  }

  /** The business day after `date`. */
  after(date: string): string {
    return this.onOrAfter(addDays(date, 1));
  }
}

/** The calendar date in China (UTC+8, no daylight saving) at `instant`. */
export function chinaDateOf(instant: Date): string {
  return new Date(instant.getTime() + 8 * 3_600_000).toISOString().slice(0, 10);
}

/** The instant at which `hhmm` (`HH:MM`, `24:00` the end of the day) falls on `date` in China time. */
export function chinaInstantOf(date: string, hhmm: string): Date {
  const [hours, minutes] = hhmm.split(':').map(Number);
  return new Date(utcDate(date).getTime() + (hours * 60 + minutes) * 60_000 - 8 * 3_600_000);
}

export function addDays(date: string, days: number): string {
  return new Date(utcDate(date).getTime() + days * 86_400_000).toISOString().slice(0, 10);
}

function utcDate(date: string): Date {
  assertIsoDate(date);
  return new Date(`${date}T00:00:00Z`);
}

function assertIsoDate(date: string): void {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(date) || Number.isNaN(Date.parse(`${date}T00:00:00Z`)) || new Date(`${date}T00:00:00Z`).toISOString().slice(0, 10) !== date) {
    throw new RangeError(`not a date (YYYY-MM-DD): ${date}`);
  }
}
