import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Statements (F-5.2) read one fund ledger's journal lines in (business_date, line_id) order from a position on,
 * and sum its lines before that position for the opening balance. This index serves both as range reads — the
 * sum from the index alone (amount included) — and replaces journal_lines_account (fund_account_no, currency,
 * business_date), a prefix of it. Only a customer's own lines name a fund account, hence the partial index.
 * Built CONCURRENTLY (no transaction) so that postings go on while a large journal is indexed; an interrupted
 * build leaves an invalid index, which the next run drops and builds again.
 */
export class TransferStatementIndex1732200000070 implements MigrationInterface {
  name = 'TransferStatementIndex1732200000070';
  transaction = false;

  async up(runner: QueryRunner): Promise<void> {
    await runner.query(`DROP INDEX CONCURRENTLY IF EXISTS transfer.journal_lines_statement`);
    await runner.query(
      `CREATE INDEX CONCURRENTLY journal_lines_statement ON transfer.journal_lines (fund_account_no, currency, business_date, line_id) INCLUDE (amount)
        WHERE fund_account_no IS NOT NULL`,
    );
    await runner.query(`DROP INDEX CONCURRENTLY IF EXISTS transfer.journal_lines_account`);
  }

  async down(runner: QueryRunner): Promise<void> {
    await runner.query(`CREATE INDEX CONCURRENTLY IF NOT EXISTS journal_lines_account ON transfer.journal_lines (fund_account_no, currency, business_date)`);
    await runner.query(`DROP INDEX CONCURRENTLY IF EXISTS transfer.journal_lines_statement`);
  }
}
