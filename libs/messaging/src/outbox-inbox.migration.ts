import type { MigrationInterface, QueryRunner } from 'typeorm';
import { qualifiedTable, quoteIdentifier } from '@custody/persistence';

export interface OutboxInboxMigrationOptions {
  schema: string;
  /**
   * TypeORM orders migrations by the 13-digit timestamp ending their name. The tables depend on
   * nothing, so the default sorts them before any service migration written after 2024.
   */
  timestamp?: number;
}

export const OUTBOX_TABLE = 'outbox';
export const INBOX_TABLE = 'inbox';

/**
 * A migration class creating `<schema>.outbox` and `<schema>.inbox`; every service that publishes or
 * consumes lists it among its own migrations:
 * `migrations: [createOutboxInboxMigration({ schema: 'transfer' }), ...]`.
 */
export function createOutboxInboxMigration(options: OutboxInboxMigrationOptions): new () => MigrationInterface {
  const schema = options.schema;
  const timestamp = options.timestamp ?? 1_700_000_000_000;
  const outbox = qualifiedTable(schema, OUTBOX_TABLE);
  const inbox = qualifiedTable(schema, INBOX_TABLE);
  const idx = (name: string): string => quoteIdentifier(`${name}`, 'index');

  return class OutboxInboxMigration implements MigrationInterface {
    readonly name = `MessagingOutboxInbox${timestamp}`;

    async up(queryRunner: QueryRunner): Promise<void> {
      // `id` gives the publishing order; the relay sends rows in id order so that messages of one
      // key reach their partition in the order their transactions wrote them.
      await queryRunner.query(`
        CREATE TABLE ${outbox} (
          id            bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
          message_id    uuid        NOT NULL UNIQUE,
          topic         text        NOT NULL,
          message_key   text        NOT NULL,
          envelope      jsonb       NOT NULL,
          created_at    timestamptz NOT NULL DEFAULT now(),
          published_at  timestamptz
        )`);
      // The relay only ever looks for unpublished rows; the partial index stays small however much
      // history is kept.
      await queryRunner.query(`CREATE INDEX ${idx('outbox_unpublished_idx')} ON ${outbox} (id) WHERE published_at IS NULL`);
      await queryRunner.query(`CREATE INDEX ${idx('outbox_published_at_idx')} ON ${outbox} (published_at) WHERE published_at IS NOT NULL`);
      // One row per message applied by a consumer group; the primary key is the de-duplication.
      await queryRunner.query(`
        CREATE TABLE ${inbox} (
          consumer_group  text        NOT NULL,
          message_id      uuid        NOT NULL,
          topic           text        NOT NULL,
          kafka_partition integer     NOT NULL,
          kafka_offset    bigint      NOT NULL,
          message_type    text        NOT NULL,
          processed_at    timestamptz NOT NULL DEFAULT now(),
          PRIMARY KEY (consumer_group, message_id)
        )`);
      await queryRunner.query(`CREATE INDEX ${idx('inbox_processed_at_idx')} ON ${inbox} (processed_at)`);
    }

    async down(queryRunner: QueryRunner): Promise<void> {
      await queryRunner.query(`DROP TABLE ${inbox}`);
      await queryRunner.query(`DROP TABLE ${outbox}`);
    }
  };
}

/**
 * The relay finds unpublished rows through a partial index (`published_at IS NULL`); a row it marks leaves a dead
 * entry there until the table is vacuumed, and every pass walks the dead entries first. With PostgreSQL's default
 * (vacuum after a fifth of the table changed, and published rows are kept for days) a busy day made each pass read
 * tens of thousands of dead entries — 18 ms a pass at 10,000 instead of 0.5 ms (issue 9). So the outbox is vacuumed
 * after a fixed number of changed rows, whatever its size.
 */
export const OUTBOX_VACUUM_THRESHOLD = 2000;

export function outboxVacuumMigration(options: { schema: string; timestamp?: number }): new () => MigrationInterface {
  const outbox = qualifiedTable(options.schema, OUTBOX_TABLE);
  const timestamp = options.timestamp ?? 1_732_200_000_090;
  return class OutboxVacuumMigration implements MigrationInterface {
    readonly name = `MessagingOutboxVacuum${timestamp}`;

    async up(queryRunner: QueryRunner): Promise<void> {
      await queryRunner.query(`ALTER TABLE ${outbox} SET (autovacuum_vacuum_scale_factor = 0, autovacuum_vacuum_threshold = ${OUTBOX_VACUUM_THRESHOLD})`);
    }

    async down(queryRunner: QueryRunner): Promise<void> {
      await queryRunner.query(`ALTER TABLE ${outbox} RESET (autovacuum_vacuum_scale_factor, autovacuum_vacuum_threshold)`);
    }
  };
}

/**
 * Where a message's trace goes on from (docs/design.md "Traces and logs"): the W3C headers of the context that
 * wrote the row, which the relay sends with the message. Null when nothing was traced.
 */
export function outboxTraceContextMigration(options: { schema: string; timestamp?: number }): new () => MigrationInterface {
  const outbox = qualifiedTable(options.schema, OUTBOX_TABLE);
  const timestamp = options.timestamp ?? 1_732_200_000_180;
  return class OutboxTraceContextMigration implements MigrationInterface {
    readonly name = `MessagingOutboxTraceContext${timestamp}`;

    async up(queryRunner: QueryRunner): Promise<void> {
      await queryRunner.query(`ALTER TABLE ${outbox} ADD COLUMN trace_context jsonb`);
    }

    async down(queryRunner: QueryRunner): Promise<void> {
      await queryRunner.query(`ALTER TABLE ${outbox} DROP COLUMN trace_context`);
    }
  };
}
