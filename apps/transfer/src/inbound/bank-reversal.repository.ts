import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import type { ReversalFunction } from './bank-request-decisions';

/** A row of transfer.bank_reversals: a reversal the bank asked of us and what we answered. */
export interface RecordedReversal {
  function: ReversalFunction;
  cancelled_serial_no: string;
  fund_account_no: string;
  currency: string;
  amount: string | null;
  bank_account_no: string | null;
  return_code: string;
  our_serial_no: string;
}

/** What a reversal the bank asked of us is recorded with (F-4.3 B / F-4.4 B), whatever we answered. */
export interface NewReversal {
  bankCode: string;
  serialNo: string;
  function: ReversalFunction;
  cancelledSerialNo: string;
  transferId: string | null;
  fundAccountNo: string | undefined;
  currency: string;
  amount: string | null;
  bankAccountNo: string | null;
  returnCode: string;
  reason: string | null;
  ourSerialNo: string;
  businessDate: string;
}

/** What the reversals know of a bank serial (`BankReversalRepository.touching`). */
export interface ReversalTouching {
  readonly own: boolean;
  readonly returnCode: string;
}

/**
 * `touching`'s statement ($1 the bank, $2 its serial; one row or none), which a statement that asks more of a serial in
 * one go embeds (`TransferRepository.bankSerialUse`).
 */
export const REVERSAL_TOUCHING = `SELECT serial_no = $2 AS own, return_code FROM transfer.bank_reversals
  WHERE bank_code = $1 AND (serial_no = $2 OR (cancelled_serial_no = $2 AND return_code IN ('0000', '2005')))
  ORDER BY own DESC LIMIT 1`;

/** transfer.bank_reversals: every reversal a bank asked of us, keyed by its own serial, with our answer. */
@Injectable()
export class BankReversalRepository {
  /** The reversal the bank numbered `serialNo`, if it asked one before. */
  async find(manager: EntityManager, bankCode: string, serialNo: string): Promise<RecordedReversal | undefined> {
    const [earlier]: RecordedReversal[] = await manager.query(`SELECT * FROM transfer.bank_reversals WHERE bank_code = $1 AND serial_no = $2`, [bankCode, serialNo]);
    return earlier;
  }

  async record(manager: EntityManager, r: NewReversal): Promise<void> {
    await manager.query(
      `INSERT INTO transfer.bank_reversals (bank_code, serial_no, function, cancelled_serial_no, transfer_id, fund_account_no, currency, amount, bank_account_no, return_code, reason, our_serial_no, business_date)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)`,
      [r.bankCode, r.serialNo, r.function, r.cancelledSerialNo, r.transferId, r.fundAccountNo, r.currency, r.amount, r.bankAccountNo, r.returnCode, r.reason, r.ourSerialNo, r.businessDate],
    );
  }

  /**
   * What the reversals know of a bank serial: the reversal that has it as its own serial (own), else the reversal that
   * barred it as an original (answered 0000 or 2005), else undefined.
   */
  async touching(manager: EntityManager, bankCode: string, serialNo: string): Promise<ReversalTouching | undefined> {
    const rows: Array<{ own: boolean; return_code: string }> = await manager.query(REVERSAL_TOUCHING, [bankCode, serialNo]);
    return rows[0] ? { own: rows[0].own, returnCode: rows[0].return_code } : undefined;
  }
}
