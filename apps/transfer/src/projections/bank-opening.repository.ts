import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { type Currency, Money } from '@custody/money';

/** A relationship the bank opened (F-3.3 B, 11010 B) and the opening balance it was given (`transfer.bank_openings`). */
export interface BankOpening {
  readonly relationshipId: string;
  readonly bankCode: string;
  readonly fundAccountNo: string;
  readonly currency: Currency;
  readonly openingBalance: Money;
}

@Injectable()
export class BankOpeningRepository {
  /** The opening balance already given for the relationship, if any: what a repeat is answered with. */
  async givenFor(manager: EntityManager, relationshipId: string): Promise<Money | undefined> {
    const rows: Array<{ opening_balance: string }> = await manager.query(
      `SELECT opening_balance::text AS opening_balance FROM transfer.bank_openings WHERE relationship_id = $1`,
      [relationshipId],
    );
    return rows[0] && Money.fromDb(rows[0].opening_balance);
  }

  /** In the transaction that links the ledger and answers the bank, so the figure given and the figure kept are one. */
  async record(manager: EntityManager, opening: BankOpening): Promise<void> {
    await manager.query(
      `INSERT INTO transfer.bank_openings (relationship_id, bank_code, fund_account_no, currency, opening_balance) VALUES ($1, $2, $3, $4, $5)`,
      [opening.relationshipId, opening.bankCode, opening.fundAccountNo, opening.currency, opening.openingBalance.toString()],
    );
  }
}
