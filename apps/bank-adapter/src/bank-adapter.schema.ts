import { createOutboxInboxMigration, outboxTraceContextMigration, outboxVacuumMigration } from '@custody/messaging';
import { BankAdapterCallClaims1732200000020 } from './migrations/1732200000020-bank-adapter-call-claims';
import { BankAdapterDayFiles1732200000086 } from './migrations/1732200000086-bank-adapter-day-files';

/**
 * The bank adapter's own tables, which must survive any process and be read by every replica: the call
 * claims; the day's file steps and the bank's 13005s, with the outbox that announces their ends in the same
 * transaction and the inbox of the file-step consumer. Everything it may lose without losing money (sessions,
 * routes, completion records) is in Redis.
 */
export const BANK_ADAPTER_SCHEMA = {
  schema: 'bank_adapter',
  migrations: [BankAdapterCallClaims1732200000020, createOutboxInboxMigration({ schema: 'bank_adapter', timestamp: 1732200000085 }), BankAdapterDayFiles1732200000086, outboxVacuumMigration({ schema: 'bank_adapter' }), outboxTraceContextMigration({ schema: 'bank_adapter' })],
};
