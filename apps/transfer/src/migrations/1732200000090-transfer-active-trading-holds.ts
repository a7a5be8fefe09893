import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * A change of a customer's primary fund account counts the old primary's active trading holds (domain.md §13)
 * under its ledgers' locks: with this index that is a lookup of the few live holds, however many ended ones the
 * table keeps. CONCURRENTLY (no transaction) so holds go on being placed while it is built; an interrupted build
 * leaves an invalid index, which the next run drops and builds again.
 */
export class TransferActiveTradingHolds1732200000090 implements MigrationInterface {
  name = 'TransferActiveTradingHolds1732200000090';
  transaction = false;

  async up(runner: QueryRunner): Promise<void> {
    await runner.query(`DROP INDEX CONCURRENTLY IF EXISTS transfer.holds_active_trading`);
    await runner.query(`CREATE INDEX CONCURRENTLY holds_active_trading ON transfer.holds (fund_account_no) WHERE kind = 'TRADING' AND status = 'ACTIVE'`);
  }

  async down(runner: QueryRunner): Promise<void> {
    await runner.query(`DROP INDEX CONCURRENTLY IF EXISTS transfer.holds_active_trading`);
  }
}
