import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The customer's bank settlement account a transfer moved money to or from: part of what a bank serial
 * identifies (a repeat of the serial naming another account is not the same transfer) and of the day's
 * transfer details (CHK01).
 */
export class TransferBankAccount1732200000006 implements MigrationInterface {
  name = 'TransferBankAccount1732200000006';

  async up(runner: QueryRunner): Promise<void> {
    await runner.query(`ALTER TABLE transfer.transfers ADD COLUMN bank_account_no text`);
  }

  async down(runner: QueryRunner): Promise<void> {
    await runner.query(`ALTER TABLE transfer.transfers DROP COLUMN bank_account_no`);
  }
}
