import { withinTransferWindow } from './transfer-window';

const at = (utc: string) => new Date(`2026-11-20T${utc}:00Z`);

describe('transferWindow', () => {
  const day = { start: '09:00', end: '16:00' };

  it('opens at the start minute and closes at the end minute, China Standard Time', () => {
    expect(withinTransferWindow(day, at('00:59'))).toBe(false); // 08:59 CST
    expect(withinTransferWindow(day, at('01:00'))).toBe(true); // 09:00 CST
    expect(withinTransferWindow(day, at('07:59'))).toBe(true); // 15:59 CST
    expect(withinTransferWindow(day, at('08:00'))).toBe(false); // 16:00 CST
  });

  it('a window ending 24:00 is open in the last minute of the day', () => {
    expect(withinTransferWindow({ start: '00:00', end: '24:00' }, at('15:59'))).toBe(true); // 23:59 CST
    expect(withinTransferWindow({ start: '00:00', end: '24:00' }, at('16:00'))).toBe(true); // 00:00 CST
  });

  it('handles a window that runs past midnight', () => {
    const night = { start: '20:00', end: '02:00' };
    expect(withinTransferWindow(night, at('13:00'))).toBe(true); // 21:00 CST
    expect(withinTransferWindow(night, at('17:30'))).toBe(true); // 01:30 CST
    expect(withinTransferWindow(night, at('04:00'))).toBe(false); // 12:00 CST
  });
});
