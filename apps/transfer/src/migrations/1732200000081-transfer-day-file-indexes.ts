import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * A bank's day files read the transfers and the bank's reversals of one (bank, business date): with these
 * indexes that is a range read, however many days the tables hold. Built CONCURRENTLY (no transaction) so that
 * transfers go on while large tables are indexed; an interrupted build leaves an invalid index, which the next
 * run drops and builds again.
 */
export class TransferDayFileIndexes1732200000081 implements MigrationInterface {
  name = 'TransferDayFileIndexes1732200000081';
  transaction = false;

  async up(runner: QueryRunner): Promise<void> {
    await runner.query(`DROP INDEX CONCURRENTLY IF EXISTS transfer.transfers_bank_day`);
    await runner.query(`CREATE INDEX CONCURRENTLY transfers_bank_day ON transfer.transfers (bank_code, business_date)`);
    await runner.query(`DROP INDEX CONCURRENTLY IF EXISTS transfer.bank_reversals_day`);
    await runner.query(`CREATE INDEX CONCURRENTLY bank_reversals_day ON transfer.bank_reversals (bank_code, business_date) WHERE return_code = '0000'`);
  }

  async down(runner: QueryRunner): Promise<void> {
    await runner.query(`DROP INDEX CONCURRENTLY IF EXISTS transfer.bank_reversals_day`);
    await runner.query(`DROP INDEX CONCURRENTLY IF EXISTS transfer.transfers_bank_day`);
  }
}
