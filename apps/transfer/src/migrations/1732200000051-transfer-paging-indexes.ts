import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * `GET /v1/transfers` pages newest first by (created_at, transfer_id), over all transfers or one fund account's:
 * with these indexes a page reads its rows in order from the cursor on, instead of sorting every match per page.
 * Built CONCURRENTLY (hence no transaction) so that transfers keep being written while a large table is indexed;
 * a build interrupted half-way leaves an invalid index, which the next run drops and builds again.
 */
export class TransferPagingIndexes1732200000051 implements MigrationInterface {
  name = 'TransferPagingIndexes1732200000051';
  transaction = false;

  async up(runner: QueryRunner): Promise<void> {
    await runner.query(`DROP INDEX CONCURRENTLY IF EXISTS transfer.transfers_page`);
    await runner.query(`CREATE INDEX CONCURRENTLY transfers_page ON transfer.transfers (created_at DESC, transfer_id DESC)`);
    await runner.query(`DROP INDEX CONCURRENTLY IF EXISTS transfer.transfers_account_page`);
    await runner.query(`CREATE INDEX CONCURRENTLY transfers_account_page ON transfer.transfers (fund_account_no, created_at DESC, transfer_id DESC)`);
  }

  async down(runner: QueryRunner): Promise<void> {
    await runner.query(`DROP INDEX CONCURRENTLY IF EXISTS transfer.transfers_account_page`);
    await runner.query(`DROP INDEX CONCURRENTLY IF EXISTS transfer.transfers_page`);
  }
}
