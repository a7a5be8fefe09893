import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * F-3.8 S cancellations (11004) are requests of `custody_function_requests` too. At most one is pending per
 * relationship: the service refuses a second (RELATIONSHIP_CHANGING) under the relationship's lock, and the unique
 * index holds even if that rule were wrong. The bank's day files wait while one is pending at the bank (as for a
 * designation): the other index finds those few among every request kept.
 */
export class AccountCustodyCancellation1732200000130 implements MigrationInterface {
  name = 'AccountCustodyCancellation1732200000130';

  async up(runner: QueryRunner): Promise<void> {
    await runner.query(`ALTER TABLE account.custody_function_requests DROP CONSTRAINT custody_function_requests_function_check,
      ADD CONSTRAINT custody_function_requests_function_check CHECK (function IN ('QUERY_BANK_BALANCE', 'CANCEL_DESIGNATION'))`);
    await runner.query(`CREATE UNIQUE INDEX custody_function_requests_one_pending_cancellation ON account.custody_function_requests (relationship_id)
      WHERE function = 'CANCEL_DESIGNATION' AND status = 'PENDING'`);
    await runner.query(`CREATE INDEX custody_function_requests_pending_cancellations ON account.custody_function_requests (bank_code)
      WHERE function = 'CANCEL_DESIGNATION' AND status = 'PENDING'`);
  }

  async down(runner: QueryRunner): Promise<void> {
    await runner.query(`DROP INDEX account.custody_function_requests_pending_cancellations`);
    await runner.query(`DROP INDEX account.custody_function_requests_one_pending_cancellation`);
    await runner.query(`DELETE FROM account.custody_function_requests WHERE function = 'CANCEL_DESIGNATION'`);
    await runner.query(`ALTER TABLE account.custody_function_requests DROP CONSTRAINT custody_function_requests_function_check,
      ADD CONSTRAINT custody_function_requests_function_check CHECK (function IN ('QUERY_BANK_BALANCE'))`);
  }
}
