import { addDays, BusinessDays, chinaDateOf, chinaInstantOf } from './business-days';

describe('business days (api.md: Monday–Friday minus the configured holidays)', () => {
  const days = new BusinessDays(['2026-10-01', '2026-10-02', '2026-10-05']);

  it('a weekday that is no holiday is a business day; Saturday, Sunday and holidays are not', () => {
    expect(days.isBusinessDay('2026-12-04')).toBe(true); // Friday
    expect(days.isBusinessDay('2026-12-05')).toBe(false); // Saturday
    expect(days.isBusinessDay('2026-12-06')).toBe(false); // Sunday
    expect(days.isBusinessDay('2026-10-01')).toBe(false);
  });

  it('the date switch moves to the next business day: Friday → Monday, over holidays and weekends', () => {
    expect(days.after('2026-12-04')).toBe('2026-12-07');
    expect(days.after('2026-09-30')).toBe('2026-10-06');
    expect(days.after('2026-12-07')).toBe('2026-12-08');
  });

  it('a fresh database starts on today if it is a business day, else the next one', () => {
    expect(days.onOrAfter('2026-12-07')).toBe('2026-12-07');
    expect(days.onOrAfter('2026-12-06')).toBe('2026-12-07');
  });

  it('refuses a holiday that is no date', () => {
    expect(() => new BusinessDays(['2026-02-30'])).toThrow('not a date');
  });

  it('China time: the calendar date at an instant, and a window time on a date', () => {
    expect(chinaDateOf(new Date('2026-12-06T16:30:00Z'))).toBe('2026-12-07');
    expect(chinaInstantOf('2026-12-07', '16:00').toISOString()).toBe('2026-12-07T08:00:00.000Z');
    expect(chinaInstantOf('2026-12-07', '24:00').toISOString()).toBe('2026-12-07T16:00:00.000Z');
    expect(addDays('2026-12-31', 1)).toBe('2027-01-01');
  });
});
