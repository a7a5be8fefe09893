import { beijingDateTime, MAX_SERIAL_LENGTH, type RefIssuer } from '@custody/bank-protocol';

/**
 * Numbers the bank issues. The simulator keeps nothing across restarts, but the broker keeps every
 * serial and custody account number it has seen for ever (profile §1: serials unique per issuer for
 * ever). Both therefore carry a stamp of this process's start, so a restarted simulator never
 * re-issues a number the broker already holds.
 */

const COUNTER_WIDTH = 7;

/** `Ref` serials: Beijing business date (8) + start second of day (5) + counter (7) = 20 characters. */
export function bankSerialIssuer(clock: () => Date = () => new Date()): RefIssuer {
  const started = beijingDateTime(clock()).time;
  const startSecond = String(Number(started.slice(0, 2)) * 3600 + Number(started.slice(2, 4)) * 60 + Number(started.slice(4, 6))).padStart(5, '0');
  let counter = 0;
  return {
    next() {
      counter += 1;
      const sequence = String(counter);
      if (sequence.length > COUNTER_WIDTH) throw new RangeError('bank serial counter exhausted; restart the simulator');
      const serial = `${beijingDateTime(clock()).date}${startSecond}${sequence.padStart(COUNTER_WIDTH, '0')}`;
      if (serial.length > MAX_SERIAL_LENGTH) throw new RangeError('bank serial too long');
      return serial;
    },
  };
}

export interface AccountNumberIssuer {
  next(): string;
}

/** Custody account numbers (存管账户): bank code prefix (4) + start epoch second (10) + counter (6). */
export function custodyAccountNumbers(bankCode: string, clock: () => Date = () => new Date()): AccountNumberIssuer {
  const stamp = String(Math.floor(clock().getTime() / 1000)).padStart(10, '0');
  let counter = 0;
  return {
    next() {
      counter += 1;
      const sequence = String(counter);
      if (sequence.length > 6) throw new RangeError('custody account counter exhausted; restart the simulator');
      return `${bankCode.slice(0, 4)}${stamp}${sequence.padStart(6, '0')}`;
    },
  };
}
