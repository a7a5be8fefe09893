import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { ACTIVE_STATUSES } from './custody-relationship.entity';

/** Questions about relationships that span a customer's fund accounts, asked under the customer's lock. */
@Injectable()
export class CustodyRelationshipRepository {
  /** domain.md §13: another fund account of the customer with a live relationship at the bank, if any (the first by number). */
  async otherFundAccountAtBank(manager: EntityManager, customerNo: string, bankCode: string, fundAccountNo: string): Promise<string | undefined> {
    const rows: Array<{ fund_account_no: string }> = await manager.query(
      `SELECT DISTINCT r.fund_account_no FROM account.custody_relationships r
         JOIN account.fund_accounts f ON f.fund_account_no = r.fund_account_no AND f.currency = r.currency
        WHERE f.customer_no = $1 AND r.bank_code = $2 AND r.status = ANY($3) AND r.fund_account_no <> $4
        ORDER BY r.fund_account_no LIMIT 1`,
      [customerNo, bankCode, ACTIVE_STATUSES, fundAccountNo],
    );
    return rows[0]?.fund_account_no;
  }
}
