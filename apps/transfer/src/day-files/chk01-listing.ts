import { type Chk01Record, cashExFlagFor, type TransferFunctionCode } from '@custody/bank-protocol';
import { type Currency, Money } from '@custody/money';
import type { TransferStatus } from '../transfers/transfer.entity';
import { type DayFileContext, fileBranchId, fileCustomerName, type LedgerNaming } from './ledger-record-fields';

/** China time (Asia/Shanghai) of an instant, as the database gives it: `YYYY-MM-DD` and `HH:MM:SS`. */
export interface ChinaTime {
  readonly date: string;
  readonly time: string;
}

/** What the CHK01 of a bank's day needs of one transfer (12001 or 12002) of that day. */
export interface DayTransferRow extends LedgerNaming {
  readonly transferId: string;
  readonly type: 'BANK_TO_SECURITIES' | 'SECURITIES_TO_BANK';
  readonly initiator: 'B' | 'S';
  /** The initiator's serial: ours for S, the bank's for B. */
  readonly serialNo: string;
  /** For B: the serial of our reply. */
  readonly ourSerialNo: string;
  /** For S: the bank's serial from its reply, when it gave one. */
  readonly bankSerialNo: string | null;
  readonly status: TransferStatus;
  readonly fundAccountNo: string;
  readonly currency: Currency;
  readonly amount: string;
  readonly bankAccountNo: string | null;
  /** One of the transfers the day's snapshot names (UNKNOWN when 13011 was answered). */
  readonly inSnapshot: boolean;
  /** When its own movement was posted on its business date; null when it never moved the books. */
  readonly posted: ChinaTime | null;
  readonly created: ChinaTime;
}

/** What the CHK01 needs of one reversal the bank asked of us (12003 or 12004) on the day, answered 0000. */
export interface DayReversalRow extends LedgerNaming {
  readonly function: 'REVERSE_BANK_TO_SECURITIES' | 'REVERSE_SECURITIES_TO_BANK';
  /** The bank's serial of the reversal itself. */
  readonly serialNo: string;
  /** The serial of our reply. */
  readonly ourSerialNo: string;
  readonly fundAccountNo: string;
  readonly currency: Currency;
  /** The original's amount: what the reversal moved back. */
  readonly amount: string;
  readonly bankAccountNo: string | null;
  /** When it moved the money back on its business date; null when there was nothing to undo (the original was refused). */
  readonly posted: ChinaTime | null;
}

const FUNCTION_CODES: Record<DayTransferRow['type'] | DayReversalRow['function'], TransferFunctionCode> = {
  BANK_TO_SECURITIES: '12001',
  SECURITIES_TO_BANK: '12002',
  REVERSE_BANK_TO_SECURITIES: '12003',
  REVERSE_SECURITIES_TO_BANK: '12004',
};

/**
 * The record of a transfer of the day, listed or not (bank-protocol.md §5 "What a side lists for D"): a transfer
 * is listed when its own movement is in the journal on D — it moved the broker's books — and the day's snapshot
 * does not name it (UNKNOWN at 13011: not listed, even once reconciliation resolves it, so the file of D stays the
 * snapshot). So a transfer that failed, was refused, or was UNKNOWN and then reversed by the broker (it never
 * moved the broker's books; the bank, which booked and reversed it, lists both and reconciliation meets two `B`
 * breaks whose adjustments cancel) is not listed; one the bank reversed after it moved is listed, and so is its
 * reversal (listedReversal).
 */
export function listedTransfer(row: DayTransferRow, day: DayFileContext): Chk01Record | undefined {
  if (row.inSnapshot || row.posted === null) return undefined;
  return transferRecord(row, day, row.posted);
}

/**
 * A transfer the day's snapshot holds UNKNOWN, as CHK01 would list it had it succeeded (the unknown-transfers
 * list: reconciliation matches it with the bank's record, or finds the bank does not list it). Its time is when
 * it was made.
 */
export function wouldBeListed(row: DayTransferRow, day: DayFileContext): Chk01Record {
  return transferRecord(row, day, row.created);
}

/**
 * A reversal the bank asked of us on D (12003/12004, the bank's reversal serial): listed when it moved the money
 * back, not when the original had been refused and there was nothing to undo.
 */
export function listedReversal(row: DayReversalRow, day: DayFileContext): Chk01Record | undefined {
  if (row.posted === null) return undefined;
  return record(row, day, row.posted, { initiator: 'B', functionCode: FUNCTION_CODES[row.function], bankSerialNo: row.serialNo, brokerSerialNo: row.ourSerialNo });
}

function transferRecord(row: DayTransferRow, day: DayFileContext, at: ChinaTime): Chk01Record {
  const functionCode = FUNCTION_CODES[row.type];
  // Each side's serial, the other side's where known (bank-protocol.md §5: from the reply's Ref).
  return row.initiator === 'B'
    ? record(row, day, at, { initiator: 'B', functionCode, bankSerialNo: row.serialNo, brokerSerialNo: row.ourSerialNo })
    : record(row, day, at, { initiator: 'S', functionCode, bankSerialNo: row.bankSerialNo, brokerSerialNo: row.serialNo });
}

type Movement = LedgerNaming & { readonly fundAccountNo: string; readonly currency: Currency; readonly amount: string; readonly bankAccountNo: string | null };
type Identity = Pick<Chk01Record, 'initiator' | 'functionCode' | 'bankSerialNo' | 'brokerSerialNo'>;

/** One literal in the table's order: a file of a million records builds a million of them. */
function record(row: Movement, day: DayFileContext, at: ChinaTime, identity: Identity): Chk01Record {
  return {
    bankInstId: day.bankCode,
    brokerInstId: day.brokerInstId,
    branchId: fileBranchId(row),
    tradeDate: at.date,
    tradeTime: at.time,
    clearingDate: day.businessDate,
    bankSerialNo: identity.bankSerialNo,
    brokerSerialNo: identity.brokerSerialNo,
    // The repository takes the ledger's where the request named none (what moved money was designated, so there is
    // one); a blank would be refused by the codec, failing the file with the record named rather than listing it wrong.
    bankAccountNo: row.bankAccountNo ?? '',
    fundAccountNo: row.fundAccountNo,
    customerName: fileCustomerName(row),
    initiator: identity.initiator,
    functionCode: identity.functionCode,
    currency: row.currency,
    cashExFlag: cashExFlagFor(row.currency),
    amount: Money.fromDb(row.amount),
  };
}
