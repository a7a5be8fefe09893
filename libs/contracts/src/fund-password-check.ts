import type { z } from 'zod';
import type { fundPasswordCheckSchema } from './topics';

export type FundPasswordCheck = z.infer<typeof fundPasswordCheckSchema>;

/**
 * Why the fund password the bank forwarded does not authorise its request (F-4.2 B withdrawal, F-3.9 B balance query,
 * F-3.3 B designation), or undefined when it does. Every failure is 2001 to the bank (the standard has one code); the
 * reason is for our records and operators. An absent check is a request the adapter could not verify: refused, never
 * taken as proof. One reading for every owner of such a request (transfer and account).
 */
export function fundPasswordRefusal(check: FundPasswordCheck | undefined): string | undefined {
  switch (check) {
    case 'MATCHED':
      return undefined;
    case 'MISMATCHED':
      return 'fund password does not match the one on record';
    case 'LOCKED':
      return 'fund password locked after too many wrong attempts';
    case 'NOT_SET':
      return 'the customer has no fund password set';
    case 'MISSING':
      return 'the request carried no fund password (PIN block)';
    case 'UNREADABLE':
      return 'the fund password PIN block could not be decrypted to a PIN';
    case undefined:
      return 'the adapter reported no fund password verification for this request';
  }
}
