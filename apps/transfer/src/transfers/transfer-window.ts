/**
 * A bank's transfer window (`transferWindow`, HH:MM in China Standard Time, inclusive start, exclusive end).
 * Outside it a transfer is refused before anything is sent (OUTSIDE_TRANSFER_WINDOW).
 */
export function withinTransferWindow(window: { start: string; end: string }, now: Date): boolean {
  const china = new Date(now.getTime() + 8 * 3600_000);
  const minutes = china.getUTCHours() * 60 + china.getUTCMinutes();
  const toMinutes = (hhmm: string) => Number(hhmm.slice(0, 2)) * 60 + Number(hhmm.slice(3, 5));
  const start = toMinutes(window.start);
  const end = toMinutes(window.end);
  return start <= end ? minutes >= start && minutes < end : minutes >= start || minutes < end;
}
