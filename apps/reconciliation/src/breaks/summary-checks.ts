import { Injectable } from '@nestjs/common';
import type { summaryChecked } from '@custody/contracts';
import type { EntityManager } from 'typeorm';
import type { z } from 'zod';

export type SummaryCheck = z.infer<typeof summaryChecked.schema>;

/** The bank's answer to 13010 as the saga got it (bank-protocol.md §7 step 4), for `summaryCheck`. The last one counts. */
@Injectable()
export class SummaryChecks {
  async checked(manager: EntityManager, check: SummaryCheck): Promise<void> {
    await manager.query(
      `INSERT INTO reconciliation.summary_checks (bank_code, business_date, result, check_return_code, broker, bank) VALUES ($1, $2, $3, $4, $5, $6)
       ON CONFLICT (bank_code, business_date) DO UPDATE SET result = $3, check_return_code = $4, broker = $5, bank = $6, checked_at = now()`,
      [check.bankCode, check.businessDate, check.result, check.checkReturnCode, JSON.stringify(check.broker), check.bank === undefined ? null : JSON.stringify(check.bank)],
    );
  }
}
