import { BusinessDays } from '@custody/service-kit';
import { brokerBusinessDate, refusalToStart, takesBankTransfers } from './day-rules';

describe("bank-protocol.md §7: which transfers a bank's day takes", () => {
  const allDay = { start: '00:00', end: '24:00' };
  const now = new Date('2026-12-07T02:00:00Z');

  it('before the bank answered 13012 nothing starts: OUTSIDE_TRANSFER_WINDOW', () => {
    expect(refusalToStart('1021000', undefined, allDay, now)?.code).toBe('OUTSIDE_TRANSFER_WINDOW');
    expect(refusalToStart('1021000', { businessDate: '2026-12-07', phase: 'NOT_STARTED' }, allDay, now)?.code).toBe('OUTSIDE_TRANSFER_WINDOW');
  });

  it('an open day inside the transfer window starts transfers; outside the window it does not', () => {
    expect(refusalToStart('1021000', { businessDate: '2026-12-07', phase: 'OPEN' }, allDay, now)).toBeUndefined();
    expect(refusalToStart('1021000', { businessDate: '2026-12-07', phase: 'OPEN' }, { start: '13:00', end: '15:00' }, now)?.code).toBe('OUTSIDE_TRANSFER_WINDOW');
  });

  it.each(['ENDING', 'ENDED', 'RECONCILING', 'AWAITING_ADJUSTMENTS', 'RECONCILED', 'DEFERRED'] as const)('from the day end until the date switch (%s): DAY_CLOSED', (phase) => {
    expect(refusalToStart('1021000', { businessDate: '2026-12-07', phase }, allDay, now)?.code).toBe('DAY_CLOSED');
  });

  it("the bank's own transfers are taken from 13012 until 13011 (while the day is ending too), else 3007", () => {
    expect(takesBankTransfers(undefined)).toBe(false);
    expect(takesBankTransfers({ businessDate: '2026-12-07', phase: 'NOT_STARTED' })).toBe(false);
    expect(takesBankTransfers({ businessDate: '2026-12-07', phase: 'OPEN' })).toBe(true);
    expect(takesBankTransfers({ businessDate: '2026-12-07', phase: 'ENDING' })).toBe(true);
    expect(takesBankTransfers({ businessDate: '2026-12-07', phase: 'ENDED' })).toBe(false);
  });
});

describe("api.md: adjustments take the broker's current business date, as the banks' day events show it", () => {
  const days = new BusinessDays(['2026-12-08']);
  const banks = ['1021000', '1051000'];

  it('the newest date heard of, while any bank has not finished its day of it', () => {
    expect(brokerBusinessDate([{ bankCode: '1021000', businessDate: '2026-12-04', phase: 'RECONCILED' }, { bankCode: '1051000', businessDate: '2026-12-04', phase: 'AWAITING_ADJUSTMENTS' }], banks, days)).toBe('2026-12-04');
  });

  it('the next business date once every bank reconciled or deferred the newest (its 13012 not answered yet)', () => {
    expect(brokerBusinessDate([{ bankCode: '1021000', businessDate: '2026-12-07', phase: 'RECONCILED' }, { bankCode: '1051000', businessDate: '2026-12-07', phase: 'DEFERRED' }], banks, days)).toBe('2026-12-09');
  });

  it("a bank whose 13012 of the new date was answered shows the new date; one still on the old date does not hold it back", () => {
    expect(brokerBusinessDate([{ bankCode: '1021000', businessDate: '2026-12-09', phase: 'OPEN' }, { bankCode: '1051000', businessDate: '2026-12-07', phase: 'RECONCILED' }], banks, days)).toBe('2026-12-09');
  });

  it('a configured bank never heard of keeps the date: its day is not finished', () => {
    expect(brokerBusinessDate([{ bankCode: '1021000', businessDate: '2026-12-07', phase: 'RECONCILED' }], banks, days)).toBe('2026-12-07');
    expect(brokerBusinessDate([], banks, days)).toBeUndefined();
  });
});
