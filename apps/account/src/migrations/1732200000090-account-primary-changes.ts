import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Changes of a customer's primary fund account (domain.md §13, `POST /v1/fund-accounts/{fundAccountNo}/make-primary`):
 * each request's change, PENDING until the transfer service — which owns the holds that may refuse it — has decided,
 * then APPLIED (the roles changed in the same transaction) or REFUSED with the reason. Kept, so a repeat of the
 * request answers what the first got. A change naming its own fund account as the previous primary is a request to
 * make the primary primary: APPLIED at once, nothing changed.
 */
export class AccountPrimaryChanges1732200000090 implements MigrationInterface {
  name = 'AccountPrimaryChanges1732200000090';

  async up(runner: QueryRunner): Promise<void> {
    await runner.query(`CREATE TABLE account.primary_changes (
      change_id uuid PRIMARY KEY,
      customer_no text NOT NULL REFERENCES account.customers (customer_no),
      fund_account_no text NOT NULL REFERENCES account.fund_accounts (fund_account_no),
      previous_primary_fund_account_no text NOT NULL REFERENCES account.fund_accounts (fund_account_no),
      status text NOT NULL CHECK (status IN ('PENDING', 'APPLIED', 'REFUSED')),
      refusal text,
      created_at timestamptz NOT NULL DEFAULT now(),
      updated_at timestamptz NOT NULL DEFAULT now(),
      CHECK ((status = 'REFUSED') = (refusal IS NOT NULL)))`);
    // One change under way per customer: the service checks it under the customer's lock; this is the backstop.
    await runner.query(`CREATE UNIQUE INDEX primary_changes_one_pending ON account.primary_changes (customer_no) WHERE status = 'PENDING'`);
  }

  async down(runner: QueryRunner): Promise<void> {
    await runner.query(`DROP TABLE account.primary_changes`);
  }
}
