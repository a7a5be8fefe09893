import { createOutboxInboxMigration } from './outbox-inbox.migration';

describe('outbox/inbox migration factory', () => {
  it('names the migration with a 13-digit timestamp, as TypeORM orders migrations by it', () => {
    const Migration = createOutboxInboxMigration({ schema: 'transfer' });
    expect(new Migration().name).toMatch(/\d{13}$/);
    expect(new (createOutboxInboxMigration({ schema: 'transfer', timestamp: 1_750_000_000_000 }))().name).toBe('MessagingOutboxInbox1750000000000');
  });

  it('refuses a schema name that would need quoting inside SQL', () => {
    expect(() => createOutboxInboxMigration({ schema: 'Transfer; DROP' })).toThrow(/not a plain SQL identifier/);
  });
});
