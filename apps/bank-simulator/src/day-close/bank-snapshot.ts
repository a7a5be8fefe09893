import {
  ACCOUNT_FUNCTION_CODES,
  type AccountFunctionCode,
  beijingDateTime,
  CERTIFICATION_TYPES,
  type CertificationType,
  cashExFlagFor,
  type Chk01Record,
  type Chk02Record,
  type Chk03Record,
  type CustodyStatus,
  TRANSFER_FUNCTION_CODES,
  type TransferFunctionCode,
} from '@custody/bank-protocol';
import { CANCEL_DESIGNATION, CHANGE_ACCOUNT_STATUS, CHANGE_BANK_ACCOUNT, CHANGE_CUSTOMER, CONFIRM_DESIGNATION, DESIGNATE, PRE_DESIGNATE, REGISTER_CURRENCY } from '../books/bank-books';
import type { CustodyAccountSnapshot, CustodyAccountStatus, CustomerIdentity, TransactionRecord } from '../books/book-records';

/**
 * The bank's snapshot of its day D (bank-protocol.md §5 "What a side lists for D", §7 step 3), taken when it
 * answers 13011 and frozen: the records of its CHK01–03, built from its transaction log.
 *
 * - CHK01: every transfer function (12001–12004) of D whose own movement is on the bank's books — whoever
 *   initiated it; a reversed original and its reversal are two records; a 12001 B the bank booked counts even
 *   if the broker never answered it; a refusal, or a 12002 B that only held its amount, is not listed.
 * - CHK02: one record per relationship a successful account function touched on D, its state now (an 11004's
 *   cancelled, with the bank account it had).
 * - CHK03: one record per successful account function of D (this bank offers the broker 11001, 11002, 11004 and
 *   11011, and starts 11001, 11003, 11004, 11005, 11006, 11010 and 11011); a pre-designation (11002) has no bank
 *   account: 客户银行结算账户账号 blank, the holder the identity the broker sent; an 11006 names the new bank account; a
 *   cancellation (11004, either initiator) names the custody account it closed and its bank account (blank if
 *   pre-designated). 金额 is the opening balance of an 11001, 11002 or 11010, `ScBal` of an 11004, 0 otherwise.
 */

/** The two institutions every record names. */
export interface DayParties {
  readonly bankInstId: string;
  readonly brokerInstId: string;
}

/** What the snapshot reads from the books besides the log: the holder's identity, the custody account. */
export interface SnapshotBooks {
  holderOf(bankAccountNo: string): CustomerIdentity | undefined;
  custodyHolderOf(custodyAccountNo: string): CustomerIdentity | undefined;
  custodyAccount(custodyAccountNo: string): CustodyAccountSnapshot | undefined;
}

export interface BankDaySnapshot {
  readonly businessDate: string;
  readonly chk01: readonly Chk01Record[];
  readonly chk02: readonly Chk02Record[];
  readonly chk03: readonly Chk03Record[];
}

/** 存管状态 (§7.13) of a custody account: `0` designated, `1` pre-designated, `2` cancelled (as the broker's CHK02 writes them). */
const CUSTODY_STATUS: Readonly<Record<CustodyAccountStatus, CustodyStatus>> = { NORMAL: '0', PRE_DESIGNATED: '1', CANCELLED: '2' };

/**
 * The account functions this bank lists in CHK03: designations (the broker's 11001 and its own), the broker's
 * pre-designation, its own 11003, 11005, 11006 and 11010, and 11004 and 11011 either way.
 */
const LISTED_ACCOUNT_FUNCTIONS: readonly string[] = [DESIGNATE, PRE_DESIGNATE, CONFIRM_DESIGNATION, CANCEL_DESIGNATION, CHANGE_CUSTOMER, CHANGE_BANK_ACCOUNT, REGISTER_CURRENCY, CHANGE_ACCOUNT_STATUS];

/** Profile §5: CHK02 lists the relationships whose custody state or bank account a function changed; 11005 and 11011 change neither. */
const UNLISTED_IN_CHK02: readonly string[] = [CHANGE_CUSTOMER, CHANGE_ACCOUNT_STATUS];

/** CHK03's 证件号码 is CHAR(20): a longer document number is left blank rather than cut (a cut one is another). */
const ID_NUMBER_WIDTH = 20;

function isTransferFunction(instrCd: string): instrCd is TransferFunctionCode {
  return (TRANSFER_FUNCTION_CODES as readonly string[]).includes(instrCd);
}

function isAccountFunction(instrCd: string): instrCd is AccountFunctionCode {
  return (ACCOUNT_FUNCTION_CODES as readonly string[]).includes(instrCd);
}

function isCertificationType(value: string): value is CertificationType {
  return (CERTIFICATION_TYPES as readonly string[]).includes(value);
}

/** 交易日期 / 交易时间: the writer's clock, China time (bank-protocol.md §5). */
function tradeMoment(at: Date): { readonly tradeDate: string; readonly tradeTime: string } {
  const { date, time } = beijingDateTime(at);
  return { tradeDate: `${date.slice(0, 4)}-${date.slice(4, 6)}-${date.slice(6, 8)}`, tradeTime: `${time.slice(0, 2)}:${time.slice(2, 4)}:${time.slice(4, 6)}` };
}

/** Of D and in D's snapshot: recorded before D's 13011. */
function ofDay(record: TransactionRecord, businessDate: string): boolean {
  return record.clearingDate === businessDate && !record.afterDayEnd;
}

/** The fields a listed record must have; a booked transfer or account function always has them (a pre-designation no bank account). */
function listedFields(record: TransactionRecord) {
  const { fundAccountNo, currency, amount } = record;
  if (fundAccountNo === undefined || currency === undefined || amount === undefined) throw new Error(`transaction ${record.ref.serial} lacks its fund account or amount`);
  return { bankAccountNo: record.bankAccountNo ?? null, fundAccountNo, currency, amount };
}

/** A transfer names both ends. */
function moneyFields(record: TransactionRecord) {
  const fields = listedFields(record);
  if (fields.bankAccountNo === null) throw new Error(`transfer ${record.ref.serial} lacks its bank account`);
  return { ...fields, bankAccountNo: fields.bankAccountNo };
}

/** The bank's record of the customer: the bank account's holder, or, with no bank account (pre-designated), the identity its custody account recorded. */
function holder(books: SnapshotBooks, record: TransactionRecord, bankAccountNo: string | null): CustomerIdentity {
  const identity = bankAccountNo !== null ? books.holderOf(bankAccountNo) : record.custodyAccountNo !== undefined ? books.custodyHolderOf(record.custodyAccountNo) : undefined;
  if (!identity) throw new Error(`transaction ${record.ref.serial} names a customer the bank does not hold`);
  return identity;
}

/** The two serials: the bank's always (its own `Ref`, or its reply's); the broker's when the bank knows it. */
function serials(record: TransactionRecord): { readonly bankSerialNo: string; readonly brokerSerialNo: string | null } {
  return { bankSerialNo: record.bankSerial, brokerSerialNo: record.ref.issuerType === 'S' ? record.ref.serial : (record.counterpartSerial ?? null) };
}

export function chk01RecordOf(record: TransactionRecord, books: SnapshotBooks, parties: DayParties): Chk01Record {
  if (!isTransferFunction(record.instrCd)) throw new Error(`transaction ${record.ref.serial} is a ${record.instrCd}, not a transfer function`);
  const fields = moneyFields(record);
  return {
    ...parties,
    // 证券机构分支号: at the bank the request's BrchId or blank (bank-protocol.md §5); this bank keeps none.
    branchId: null,
    ...tradeMoment(record.recordedAt),
    clearingDate: record.clearingDate,
    ...serials(record),
    bankAccountNo: fields.bankAccountNo,
    fundAccountNo: fields.fundAccountNo,
    customerName: holder(books, record, fields.bankAccountNo).name,
    initiator: record.ref.issuerType,
    functionCode: record.instrCd,
    currency: fields.currency,
    cashExFlag: cashExFlagFor(fields.currency),
    amount: fields.amount,
  };
}

export function chk03RecordOf(record: TransactionRecord, books: SnapshotBooks, parties: DayParties): Chk03Record {
  if (!isAccountFunction(record.instrCd)) throw new Error(`transaction ${record.ref.serial} is a ${record.instrCd}, not an account function`);
  const fields = listedFields(record);
  const identity = holder(books, record, fields.bankAccountNo);
  return {
    ...parties,
    branchId: null,
    ...tradeMoment(record.recordedAt),
    ...serials(record),
    custodyAccountNo: record.custodyAccountNo ?? null,
    bankAccountNo: fields.bankAccountNo,
    fundAccountNo: fields.fundAccountNo,
    customerName: identity.name,
    idType: isCertificationType(identity.idType) ? identity.idType : null,
    idNumber: identity.idNumber.length <= ID_NUMBER_WIDTH ? identity.idNumber : null,
    initiator: record.ref.issuerType,
    functionCode: record.instrCd,
    currency: fields.currency,
    cashExFlag: cashExFlagFor(fields.currency),
    // 金额: the opening balance for 11001, 11002 and 11010 (the broker's ScBal for the bank's own), ScBal for 11004, 0 otherwise.
    amount: fields.amount,
  };
}

function chk02RecordOf(record: TransactionRecord, books: SnapshotBooks, parties: DayParties): Chk02Record {
  const custody = record.custodyAccountNo === undefined ? undefined : books.custodyAccount(record.custodyAccountNo);
  if (!custody) throw new Error(`account function ${record.ref.serial} lost its custody account`);
  return {
    ...parties,
    branchId: null,
    tradeDate: tradeMoment(record.recordedAt).tradeDate,
    bankAccountNo: custody.bankAccountNo,
    fundAccountNo: custody.fundAccountNo,
    customerName: holder(books, record, custody.bankAccountNo).name,
    currency: custody.currency,
    cashExFlag: cashExFlagFor(custody.currency),
    status: CUSTODY_STATUS[custody.status],
  };
}

/** The bank's CHK01–03 of D from its log, in the order it recorded them. */
export function takeSnapshot(businessDate: string, log: Iterable<TransactionRecord>, books: SnapshotBooks, parties: DayParties): BankDaySnapshot {
  const chk01: Chk01Record[] = [];
  const chk03: Chk03Record[] = [];
  const relationships = new Map<string, Chk02Record>();
  for (const record of log) {
    if (!ofDay(record, businessDate)) continue;
    if (isTransferFunction(record.instrCd) && record.booked) chk01.push(chk01RecordOf(record, books, parties));
    if (LISTED_ACCOUNT_FUNCTIONS.includes(record.instrCd) && record.status === 'SUCCEEDED') {
      chk03.push(chk03RecordOf(record, books, parties));
      if (UNLISTED_IN_CHK02.includes(record.instrCd)) continue;
      const state = chk02RecordOf(record, books, parties);
      relationships.set(`${state.fundAccountNo}/${state.currency}`, state);
    }
  }
  return { businessDate, chk01, chk02: [...relationships.values()], chk03 };
}
