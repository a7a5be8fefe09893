import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * What the account service knows of each bank's day (the saga's `day.bank-day-changed`): the business date an account
 * function the bank starts is recorded on, so that our CHK02/CHK03 list it on the day the bank's do
 * (bank-protocol.md §7 step 3).
 */
export class AccountBankDays1732200000110 implements MigrationInterface {
  name = 'AccountBankDays1732200000110';

  async up(runner: QueryRunner): Promise<void> {
    await runner.query(`CREATE TABLE account.bank_days (
      bank_code text PRIMARY KEY,
      business_date date NOT NULL,
      phase text NOT NULL,
      changed_at timestamptz NOT NULL)`);
  }

  async down(runner: QueryRunner): Promise<void> {
    await runner.query(`DROP TABLE account.bank_days`);
  }
}
