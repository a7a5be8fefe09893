import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * A ledger closes (F-3.8) only with no transfer of its own in flight: with this index that is a lookup of the
 * account's few open transfers, however many the table keeps. CONCURRENTLY (no transaction) so transfers go on
 * while it is built; an interrupted build leaves an invalid index, which the next run drops and builds again.
 */
export class TransferOpenTransfersIndex1732200000131 implements MigrationInterface {
  name = 'TransferOpenTransfersIndex1732200000131';
  transaction = false;

  async up(runner: QueryRunner): Promise<void> {
    await runner.query(`DROP INDEX CONCURRENTLY IF EXISTS transfer.transfers_open_by_account`);
    await runner.query(`CREATE INDEX CONCURRENTLY transfers_open_by_account ON transfer.transfers (fund_account_no, currency) WHERE status IN ('PENDING', 'UNKNOWN')`);
  }

  async down(runner: QueryRunner): Promise<void> {
    await runner.query(`DROP INDEX CONCURRENTLY IF EXISTS transfer.transfers_open_by_account`);
  }
}
