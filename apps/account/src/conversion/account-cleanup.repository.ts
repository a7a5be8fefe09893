import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import type { CustomerType } from '../customers/customer.entity';
import type { AccountPosition } from './conversion-page';

/** A fund account with its customer's identity record and its live relationship, as the clean-up report reads them. */
export interface AccountRow {
  fundAccountNo: string;
  customerNo: string;
  currency: string;
  role: string;
  branchId: string;
  name: string;
  type: CustomerType;
  idType: string;
  idNumberSealed: string;
  idNumberTail: string;
  bankCode: string | null;
  status: string | null;
  custodyAccountNo: string | null;
  dormantSince: string | null;
}

/** F-12.1's reading of the books: fund accounts in number and currency order, each with its customer and live relationship in that currency. */
@Injectable()
export class AccountCleanupRepository {
  constructor(private readonly dataSource: DataSource) {}

  after(after: AccountPosition, limit: number): Promise<AccountRow[]> {
    return this.dataSource.query(
      `SELECT f.fund_account_no AS "fundAccountNo", f.customer_no AS "customerNo", f.currency, f.role, f.branch_id AS "branchId",
              c.name, c.type, trim(c.id_type) AS "idType", c.id_number_sealed AS "idNumberSealed", c.id_number_tail AS "idNumberTail",
              r.bank_code AS "bankCode", r.status, r.custody_account_no AS "custodyAccountNo", r.dormant_since::text AS "dormantSince"
         FROM account.fund_accounts f
         JOIN account.customers c ON c.customer_no = f.customer_no
         LEFT JOIN account.custody_relationships r
           ON r.fund_account_no = f.fund_account_no AND r.currency = f.currency AND r.status IN ('PENDING', 'PRE_DESIGNATED', 'DESIGNATED')
        WHERE (f.fund_account_no, f.currency) > ($1, $2)
        ORDER BY f.fund_account_no, f.currency LIMIT $3`,
      [after.fundAccountNo, after.currency, limit],
    );
  }
}
