import { BankAdapterCallClaims1732200000020 } from './migrations/1732200000020-bank-adapter-call-claims';

/**
 * The bank adapter's own tables: only the call claims, which must survive any process and be read by every
 * replica. Everything it may lose without losing money (sessions, routes, completion records) is in Redis.
 */
export const BANK_ADAPTER_SCHEMA = {
  schema: 'bank_adapter',
  migrations: [BankAdapterCallClaims1732200000020],
};
