import type { RefIssuer } from './message-headers';
import { MAX_SERIAL_LENGTH } from './xml-schema';

/**
 * An in-memory issuer: `prefix` + a zero-padded counter. Unique only for the life of the process,
 * so it suits tests and the bank simulator; the broker's adapter issues durable serials instead.
 */
export function sequentialRefIssuer(prefix: string, width = MAX_SERIAL_LENGTH - prefix.length): RefIssuer {
  if (prefix.length + width > MAX_SERIAL_LENGTH || width < 1) throw new RangeError(`serials are at most ${MAX_SERIAL_LENGTH} characters`);
  let next = 0;
  return {
    next() {
      next += 1;
      const counter = String(next);
      if (counter.length > width) throw new RangeError('serial counter exhausted');
      return `${prefix}${counter.padStart(width, '0')}`;
    },
  };
}
