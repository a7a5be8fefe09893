import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Issue 10: every relationship change journaled — who, when, which serial, from which side — and the broker's
 * requests that failed, for a relationship's history (api.md "Custody relationships") beside the day files.
 *
 * - `custody_relationships.requested_by`: the principal (subject@issuer of the bearer token) who asked for a
 *   relationship the broker opens (11001 S, 11002 S), held while the bank is asked, so its journal row can name them.
 * - `account_functions.requested_by`: that principal on a broker-started function. A bank-started one has none: the
 *   bank is the requester (`bank_code`), and who stood at its counter is the bank's to know.
 * - `account_functions.account_status_after`: the relationship's account status (NORMAL, FROZEN, LOST) after the
 *   function, as `status_after` is its custody state: what an 11011 set.
 * - `account_functions.outcome`: `FAILED` rows are broker requests the bank refused (or that never reached it), with
 *   the failure; `status_after` is then the custody state left as it was (none for a refused opening). The day files
 *   read `SUCCEEDED` rows only (bank-protocol.md §5: a failed request is not listed).
 *
 * Backfill only what the books prove. Every function but an 11011 preceded any 11011 on its relationship (an 11011
 * needs a DESIGNATED relationship, and nothing recorded so far follows one), so it left the status NORMAL; the last
 * 11011 of a relationship set the status it has now. An earlier 11011 (FROZEN then LOST, say) and the principal of an
 * earlier broker request were never kept: they stay NULL, and the `NOT VALID` check holds only new rows to them.
 */
export class AccountFunctionJournal1732200000117 implements MigrationInterface {
  name = 'AccountFunctionJournal1732200000117';

  async up(runner: QueryRunner): Promise<void> {
    await runner.query(`ALTER TABLE account.custody_relationships ADD COLUMN requested_by text`);
    // A fund account's relationships, every state (GET /v1/fund-accounts/{no} and its history read them by number).
    await runner.query(`CREATE INDEX custody_relationships_fund_account ON account.custody_relationships (fund_account_no)`);
    await runner.query(`ALTER TABLE account.account_functions
      ADD COLUMN requested_by text,
      ADD COLUMN account_status_after text CHECK (account_status_after IN ('NORMAL', 'FROZEN', 'LOST')),
      ADD COLUMN outcome text NOT NULL DEFAULT 'SUCCEEDED' CHECK (outcome IN ('SUCCEEDED', 'FAILED')),
      ADD COLUMN failure_code text,
      ADD COLUMN bank_return_code varchar(4),
      ADD COLUMN failure_message text,
      ALTER COLUMN status_after DROP NOT NULL,
      ADD CONSTRAINT account_functions_state_after CHECK (outcome = 'FAILED' OR status_after IS NOT NULL),
      ADD CONSTRAINT account_functions_failure CHECK ((outcome = 'FAILED') = (failure_code IS NOT NULL))`);
    await runner.query(`UPDATE account.account_functions SET account_status_after = 'NORMAL' WHERE function_code <> '11011'`);
    await runner.query(`UPDATE account.account_functions f SET account_status_after = r.account_status
      FROM account.custody_relationships r
     WHERE r.id = f.relationship_id AND f.function_code = '11011'
       AND f.seq = (SELECT max(l.seq) FROM account.account_functions l WHERE l.relationship_id = f.relationship_id AND l.function_code = '11011')`);
    await runner.query(`ALTER TABLE account.account_functions
      ADD CONSTRAINT account_functions_account_status_known CHECK (account_status_after IS NOT NULL) NOT VALID`);
  }

  async down(runner: QueryRunner): Promise<void> {
    // A failed request has no place in the journal before this migration (its relationship row keeps the failure).
    await runner.query(`DELETE FROM account.account_functions WHERE outcome = 'FAILED'`);
    await runner.query(`ALTER TABLE account.account_functions
      DROP CONSTRAINT account_functions_account_status_known,
      DROP CONSTRAINT account_functions_failure,
      DROP CONSTRAINT account_functions_state_after,
      ALTER COLUMN status_after SET NOT NULL,
      DROP COLUMN failure_message,
      DROP COLUMN bank_return_code,
      DROP COLUMN failure_code,
      DROP COLUMN outcome,
      DROP COLUMN account_status_after,
      DROP COLUMN requested_by`);
    await runner.query(`DROP INDEX account.custody_relationships_fund_account`);
    await runner.query(`ALTER TABLE account.custody_relationships DROP COLUMN requested_by`);
  }
}
