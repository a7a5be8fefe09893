import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import type { AccountFunctionCode, Initiator } from '@custody/bank-protocol';
import type { Money } from '@custody/money';
import type { RelationshipStatus } from './custody-relationship.entity';

/** An account function (账户类交易) that succeeded on a relationship, as the day files list it (bank-protocol.md §5). */
export interface AccountFunctionEntry {
  relationshipId: string;
  bankCode: string;
  /** The bank day D the function was made on: its CHK02/CHK03 date. */
  businessDate: string;
  functionCode: AccountFunctionCode;
  initiator: Initiator;
  brokerSerialNo: string | null;
  bankSerialNo: string | null;
  custodyAccountNo: string | null;
  /** The relationship's bank account after the function. */
  bankAccountNo: string | null;
  /**
   * The money the function carried (an 11001's or 11010's opening balance); null when the message did not say, and for a
   * bank's 11001/11010 until the ledger gave its opening balance (`recordOpeningBalance`).
   */
  amount: Money | null;
  statusAfter: Extract<RelationshipStatus, 'DESIGNATED' | 'PRE_DESIGNATED' | 'CANCELLED'>;
}

@Injectable()
export class AccountFunctionRepository {
  /** In the transaction that applies the function to the relationship, so the two never disagree. */
  async record(manager: EntityManager, entry: AccountFunctionEntry): Promise<void> {
    await manager.query(
      `INSERT INTO account.account_functions
         (relationship_id, bank_code, business_date, function_code, initiator, broker_serial_no, bank_serial_no,
          custody_account_no, bank_account_no, amount, status_after)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)`,
      [
        entry.relationshipId,
        entry.bankCode,
        entry.businessDate,
        entry.functionCode,
        entry.initiator,
        entry.brokerSerialNo,
        entry.bankSerialNo,
        entry.custodyAccountNo,
        entry.bankAccountNo,
        entry.amount?.toString() ?? null,
        entry.statusAfter,
      ],
    );
  }

  /**
   * The opening balance the ledger gave the bank for a relationship the bank opened (11001 B, 11010 B): the 金额 of its
   * CHK03 record. Only a record still without one takes it, so a repeat (the same figure) changes nothing.
   */
  async recordOpeningBalance(manager: EntityManager, relationshipId: string, openingBalance: Money): Promise<void> {
    await manager.query(
      `UPDATE account.account_functions SET amount = $2
        WHERE relationship_id = $1 AND initiator = 'B' AND function_code IN ('11001', '11010') AND amount IS NULL`,
      [relationshipId, openingBalance.toString()],
    );
  }

  /** The function the bank started under this serial, if it succeeded (a repeat of it is answered again). */
  async ofBankSerial(manager: EntityManager, bankCode: string, bankSerialNo: string): Promise<{ relationshipId: string; bankAccountNo: string | null } | undefined> {
    const rows: Array<{ relationship_id: string; bank_account_no: string | null }> = await manager.query(
      `SELECT relationship_id, bank_account_no FROM account.account_functions WHERE initiator = 'B' AND bank_code = $1 AND bank_serial_no = $2`,
      [bankCode, bankSerialNo],
    );
    return rows[0] && { relationshipId: rows[0].relationship_id, bankAccountNo: rows[0].bank_account_no };
  }
}
