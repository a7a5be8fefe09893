import { movementDate } from './bank-day';

const weekdays = { after: (date: string) => ({ '2026-12-04': '2026-12-07' })[date] ?? 'unexpected' };

describe('bank-protocol.md §7 step 3: the business date of what a bank asks of us', () => {
  it("a movement the bank asks of us after 13011 belongs to the next business date; before it, to the bank's day", () => {
    expect(movementDate({ businessDate: '2026-12-04', phase: 'ENDING' }, '2026-12-04', weekdays)).toBe('2026-12-04');
    expect(movementDate({ businessDate: '2026-12-04', phase: 'ENDED' }, '2026-12-04', weekdays)).toBe('2026-12-07');
    expect(movementDate({ businessDate: '2026-12-04', phase: 'AWAITING_ADJUSTMENTS' }, '2026-12-03', weekdays)).toBe('2026-12-07');
  });

  it('a bank never heard of yet has only the date it sent', () => {
    expect(movementDate(undefined, '2026-12-03', weekdays)).toBe('2026-12-03');
  });
});
