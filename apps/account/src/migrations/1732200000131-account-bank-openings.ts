import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * F-3.3 B (11001) and 11010 B: a relationship the bank opens is recorded at once, its 金额 (the opening balance) when the
 * ledger has given it to the bank. Until then the bank's day files are not written (SNAPSHOT_NOT_SETTLED); this index
 * finds those few rows per bank without reading the bank's whole journal of functions.
 */
export class AccountBankOpenings1732200000131 implements MigrationInterface {
  name = 'AccountBankOpenings1732200000131';

  async up(runner: QueryRunner): Promise<void> {
    await runner.query(`CREATE INDEX account_functions_opening_balance_awaited ON account.account_functions (bank_code)
      WHERE initiator = 'B' AND function_code IN ('11001', '11010') AND amount IS NULL`);
  }

  async down(runner: QueryRunner): Promise<void> {
    await runner.query(`DROP INDEX account.account_functions_opening_balance_awaited`);
  }
}
