import { type Chk04Record, cashExFlagFor } from '@custody/bank-protocol';
import { type Currency, Money } from '@custody/money';

/** What the ledger knows of a fund account for the day files (客户名称, 证券机构分支号). */
export interface LedgerNaming {
  readonly customerNo: string;
  /** From `fund-account.opened`; null for accounts opened before the account service sent it. */
  readonly customerName: string | null;
  readonly branchId: string | null;
}

/** Who writes and whom the file is for: the institution codes of every record, and D. */
export interface DayFileContext {
  readonly bankCode: string;
  readonly brokerInstId: string;
  readonly businessDate: string;
}

/** `|` separates fields and control characters end lines: neither may be inside a name, each becomes a space. */
function fieldText(text: string): string {
  let safe = '';
  for (const character of text) {
    const code = character.codePointAt(0)!;
    safe += code < 0x20 || code === 0x7f || character === '|' ? ' ' : character;
  }
  return safe;
}

/**
 * 客户名称 (bank-protocol.md §5: the writer's record of the name, required, never compared; the codec cuts it at a
 * character boundary). An account opened before the account service sent names has none here: its records carry
 * the customer number instead, which names the customer to an operator reading the file and keeps every record
 * writable. What a field cannot hold becomes a space.
 */
export function fileCustomerName(naming: LedgerNaming): string {
  const name = naming.customerName === null ? undefined : fieldText(naming.customerName).trim();
  return name ? name : naming.customerNo;
}

/** CHAR(4) of printable ASCII: what 证券机构分支号 can hold. */
const FILE_BRANCH = /^[\x21-\x7b\x7d\x7e]{1,4}$/;

/**
 * 证券机构分支号: the fund account's branch (bank-protocol.md §5), informative and never compared. The account
 * service takes branches of up to 32 characters; one the field cannot hold, or none (accounts opened before), is
 * written as spaces rather than cut into another branch's code or stopping the whole day's file.
 */
export function fileBranchId(naming: LedgerNaming): string | null {
  return naming.branchId !== null && FILE_BRANCH.test(naming.branchId) ? naming.branchId : null;
}

/** A fund ledger as S_CHK04 lists it. */
export interface LedgerBalanceRow extends LedgerNaming {
  readonly fundAccountNo: string;
  readonly currency: Currency;
  readonly balance: string;
}

/**
 * Table A.6: one fund ledger's balance. `交易日期` is the writer's clock (bank-protocol.md §5), `tradeDate` here: the
 * China date the file is written on.
 */
export function chk04Record(row: LedgerBalanceRow, day: DayFileContext, tradeDate: string): Chk04Record {
  return {
    bankInstId: day.bankCode,
    brokerInstId: day.brokerInstId,
    branchId: fileBranchId(row),
    tradeDate,
    fundAccountNo: row.fundAccountNo,
    customerName: fileCustomerName(row),
    currency: row.currency,
    cashExFlag: cashExFlagFor(row.currency),
    amount: Money.fromDb(row.balance),
  };
}
