import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Who asked for a broker-started account function (the caller's principal, `subject@issuer`), so the journal of a
 * relationship names them for an 11011 S as it does for an 11001 S. Null on requests from before it was kept.
 */
export class AccountFunctionRequestsRequestedBy1732200000152 implements MigrationInterface {
  name = 'AccountFunctionRequestsRequestedBy1732200000152';

  async up(runner: QueryRunner): Promise<void> {
    await runner.query(`ALTER TABLE account.custody_function_requests ADD COLUMN requested_by text`);
  }

  async down(runner: QueryRunner): Promise<void> {
    await runner.query(`ALTER TABLE account.custody_function_requests DROP COLUMN requested_by`);
  }
}
