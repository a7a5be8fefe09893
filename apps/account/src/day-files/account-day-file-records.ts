import {
  type AccountFunctionCode,
  CERTIFICATION_TYPES,
  type CertificationType,
  cashExFlagFor,
  type Chk02Record,
  type Chk03Record,
  type CustodyStatus,
  type Initiator,
} from '@custody/bank-protocol';
import { type Currency, Money } from '@custody/money';

/**
 * The account service's records of the day files CHK02 and CHK03 (bank-protocol.md §5, JR/T 0046 tables A.4, A.5),
 * built from its own rows: pure, so every field rule is a unit test.
 */

/** 银行机构代码 and 券商机构代码 of every record: the bank's code and the broker's CSDC member code (configuration). */
export interface DayFileParties {
  readonly bankInstId: string;
  readonly brokerInstId: string;
}

/** What a relationship's last function up to D left it as (§7.13 `存管状态`). */
export type RelationshipStateAfter = 'DESIGNATED' | 'PRE_DESIGNATED' | 'CANCELLED';

const CUSTODY_STATUS: Record<RelationshipStateAfter, CustodyStatus> = { DESIGNATED: '0', PRE_DESIGNATED: '1', CANCELLED: '2' };

/** One relationship (fund account, currency) touched on D, as its last function up to D left it. */
export interface Chk02Row {
  readonly fundAccountNo: string;
  readonly currency: Currency;
  readonly bankAccountNo: string | null;
  readonly statusAfter: RelationshipStateAfter;
  readonly customerName: string;
  readonly branchId: string;
  /** When that last function took effect here. */
  readonly occurredAt: Date;
}

/** One account function that succeeded on D. */
export interface Chk03Row {
  readonly functionCode: AccountFunctionCode;
  readonly initiator: Initiator;
  readonly brokerSerialNo: string | null;
  readonly bankSerialNo: string | null;
  readonly custodyAccountNo: string | null;
  readonly bankAccountNo: string | null;
  readonly fundAccountNo: string;
  readonly currency: Currency;
  readonly customerName: string;
  readonly branchId: string;
  readonly idType: string;
  /** The fund's amount the function carried (the opening balance of an 11001); null when it was never recorded. */
  readonly amount: string | null;
  readonly occurredAt: Date;
}

const CHINA_OFFSET_MS = 8 * 3_600_000;

/** 交易日期/交易时间: the writer's clock in China time (bank-protocol.md §5), as the codec's records hold them. */
export function chinaDateTimeOf(instant: Date): { readonly date: string; readonly time: string } {
  const shifted = new Date(instant.getTime() + CHINA_OFFSET_MS).toISOString();
  return { date: shifted.slice(0, 10), time: shifted.slice(11, 19) };
}

/** A CHAR field of the layout's identifier kind: printable ASCII without `|`, at most `width` bytes. */
function fitsCode(value: string, width: number): boolean {
  return value.length >= 1 && value.length <= width && /^[\x21-\x7b\x7d\x7e]+$/.test(value);
}

/**
 * 证券机构分支号 is CHAR(4) and never compared (bank-protocol.md §5): a branch the field cannot carry (an account opened
 * before api.md's 4-character rule was enforced) is written blank rather than failing the bank's whole file.
 */
function branchField(branchId: string): string | null {
  return fitsCode(branchId, 4) ? branchId : null;
}

/** Table A.4: the relationship's state at the end of D. Blank bank account for a pre-designated one. */
export function chk02Record(row: Chk02Row, parties: DayFileParties): Chk02Record {
  return {
    bankInstId: parties.bankInstId,
    brokerInstId: parties.brokerInstId,
    branchId: branchField(row.branchId),
    tradeDate: chinaDateTimeOf(row.occurredAt).date,
    bankAccountNo: row.bankAccountNo,
    fundAccountNo: row.fundAccountNo,
    customerName: row.customerName,
    currency: row.currency,
    cashExFlag: cashExFlagFor(row.currency),
    status: CUSTODY_STATUS[row.statusAfter],
  };
}

/** What a CHK03 record could not carry as recorded: written blank or zero, for the caller to log. */
export type Chk03Gap = 'ID_TYPE' | 'ID_NUMBER' | 'AMOUNT';

/**
 * Table A.5: one successful account function of D. `idNumber` is the customer's ID number opened for the bank (it
 * knows it: the customer identified at its counter or by the 11001). Neither ID field is compared (bank-protocol.md
 * §5), so one the layout cannot carry — a §7.9 code outside the list, a number over CHAR(20) (messages allow 35) —
 * is written blank, as is a missing one; `gaps` names what was left blank or zero, never the value.
 */
export function chk03Record(row: Chk03Row, parties: DayFileParties, idNumber: string | null): { record: Chk03Record; gaps: Chk03Gap[] } {
  const gaps: Chk03Gap[] = [];
  const idType = (CERTIFICATION_TYPES as readonly string[]).includes(row.idType) ? (row.idType as CertificationType) : null;
  if (idType === null) gaps.push('ID_TYPE');
  const idNumberField = idNumber !== null && fitsCode(idNumber, 20) ? idNumber : null;
  if (idNumberField === null) gaps.push('ID_NUMBER');
  // An amount never recorded (a resolution from before the field existed) is written 0: the comparison of 金额 then
  // shows the bank's figure to an operator as a break, instead of the file claiming a figure nobody knows.
  if (row.amount === null) gaps.push('AMOUNT');
  const { date, time } = chinaDateTimeOf(row.occurredAt);
  return {
    record: {
      bankInstId: parties.bankInstId,
      brokerInstId: parties.brokerInstId,
      branchId: branchField(row.branchId),
      tradeDate: date,
      tradeTime: time,
      bankSerialNo: row.bankSerialNo,
      brokerSerialNo: row.brokerSerialNo,
      custodyAccountNo: row.custodyAccountNo,
      bankAccountNo: row.bankAccountNo,
      fundAccountNo: row.fundAccountNo,
      customerName: row.customerName,
      idType,
      idNumber: idNumberField,
      initiator: row.initiator,
      functionCode: row.functionCode,
      currency: row.currency,
      cashExFlag: cashExFlagFor(row.currency),
      amount: row.amount === null ? Money.zero() : Money.fromDb(row.amount),
    },
    gaps,
  };
}
