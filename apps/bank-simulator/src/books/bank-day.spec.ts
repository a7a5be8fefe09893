import { BankDay } from './bank-day';

describe("bank-protocol.md §7 at the bank: its business date and the day's end", () => {
  it('13012 for the current or a later date opens it (0000); a repeat while open answers 0000 again', () => {
    const day = new BankDay('2026-12-04');
    expect(day.start('2026-12-04')).toBe('0000');
    expect(day.start('2026-12-04')).toBe('0000');
    expect(day.start('2026-12-07')).toBe('0000');
    expect(day.date).toBe('2026-12-07');
  });

  it('13012 for an older date, or for the same date after its 13011, is 1032', () => {
    const day = new BankDay('2026-12-07');
    expect(day.start('2026-12-04')).toBe('1032');
    day.end();
    expect(day.hasEnded).toBe(true);
    expect(day.start('2026-12-07')).toBe('1032');
  });

  it('a later date is accepted even without a 13011 for the one before (a deferred bank), and opens it', () => {
    const day = new BankDay('2026-12-07');
    day.end();
    expect(day.start('2026-12-08')).toBe('0000');
    expect(day.hasEnded).toBe(false);
  });
});
