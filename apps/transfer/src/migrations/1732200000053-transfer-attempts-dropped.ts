import type { MigrationInterface, QueryRunner } from 'typeorm';

/** A transfer keeps its first and latest attempts only (transfer-attempts.ts); this counts the ones in between. */
export class TransferAttemptsDropped1732200000053 implements MigrationInterface {
  name = 'TransferAttemptsDropped1732200000053';

  async up(runner: QueryRunner): Promise<void> {
    // A constant default: PostgreSQL adds the column without rewriting the table.
    await runner.query(`ALTER TABLE transfer.transfers ADD COLUMN attempts_dropped integer NOT NULL DEFAULT 0 CHECK (attempts_dropped >= 0)`);
  }

  async down(runner: QueryRunner): Promise<void> {
    await runner.query(`ALTER TABLE transfer.transfers DROP COLUMN attempts_dropped`);
  }
}
