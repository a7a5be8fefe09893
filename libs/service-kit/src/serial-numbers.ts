import type { EntityManager } from 'typeorm';
import { compactDate } from './business-calendar';

/**
 * Serial numbers (流水号) the broker issues: unique per issuer for ever and at most 20 characters
 * (bank-protocol.md §1). Layout: business date (8) + issuing service (1) + database sequence (11).
 * The service digit keeps serials from different services of the one broker InstId apart.
 */
export const SERIAL_SOURCES = { account: '1', transfer: '2', saga: '3' } as const;
export type SerialSource = keyof typeof SERIAL_SOURCES;

export async function nextSerialNo(manager: EntityManager, sequence: string, source: SerialSource, businessDate: string): Promise<string> {
  const [{ n }] = (await manager.query(`SELECT nextval('${sequence}')::text AS n`)) as Array<{ n: string }>;
  return serialNoOf(n, sequence, source, businessDate);
}

/** The serial of the `n` a statement took from `sequence` (`nextval(...)::text`), for a caller that takes it with other reads. */
export function serialNoOf(n: string, sequence: string, source: SerialSource, businessDate: string): string {
  if (n.length > 11) throw new Error(`serial sequence ${sequence} exhausted`);
  return `${compactDate(businessDate)}${SERIAL_SOURCES[source]}${n.padStart(11, '0')}`;
}
