import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * What the transfer service knows of each bank's day (the saga's `day.bank-day-changed`): the business date the
 * bank's transfers carry and the phase that decides which transfers it still takes (bank-protocol.md §7).
 */
export class TransferBankDays1732200000061 implements MigrationInterface {
  name = 'TransferBankDays1732200000061';

  async up(runner: QueryRunner): Promise<void> {
    await runner.query(`CREATE TABLE transfer.bank_days (
      bank_code text PRIMARY KEY,
      business_date date NOT NULL,
      phase text NOT NULL,
      changed_at timestamptz NOT NULL)`);
  }

  async down(runner: QueryRunner): Promise<void> {
    await runner.query(`DROP TABLE transfer.bank_days`);
  }
}
