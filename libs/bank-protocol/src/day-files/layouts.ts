import type { Currency } from '@custody/money';
import { CERTIFICATION_TYPES } from '../code-lists';
import { FieldViolation, type FieldReference } from './day-file-error';
import {
  ACCOUNT_FUNCTION_CODES,
  type CashExFlag,
  cashExFlagFor,
  type Chk01Record,
  type Chk02Record,
  type Chk03Record,
  type Chk04Record,
  CUSTODY_STATUSES,
  type Dat01Record,
  type Dat02Record,
  type DatztRecord,
  DIF04_REMARKS,
  type Dif04Record,
  type Initiator,
  INTEREST_TYPES,
  TRANSFER_FUNCTION_CODES,
} from './day-file-records';
import { amount, code, currency, date, nullable, oneOf, text, textOneOf, time, TOKEN } from './field-types';
import { layoutOf, type RecordLayout } from './record-layout';

/**
 * The record tables A.3–A.7 and A.9–A.11, field for field in the standard's order, with the widths of the
 * record tables (bank-protocol.md §5: `客户名称` CHAR(32), not A.2's 70; `证券资金台账账号` CHAR(14)).
 * Identifiers and codes are refused when too long; only free text (names, bank names, descriptions) is cut.
 */

const instId = code('an institution code of digits', /^\d+$/);
const branchId = nullable(code('a branch code', TOKEN));
const serialNo = code('a serial number', TOKEN);
const accountNo = code('an account number', TOKEN);
const fundAccountNo = code('a fund account number of 1–14 digits', /^\d+$/);
const customerName = text('客户名称');
const initiator = oneOf<Initiator>('an initiator', ['B', 'S']);
const cashExFlag = nullable(oneOf<'1'>('汇钞标志 (a space for CNY)', ['1']));

/** bank-protocol.md §5: `汇钞标志` is a space for CNY and `1` otherwise. */
function checkCashExFlag(record: { readonly currency: Currency; readonly cashExFlag: CashExFlag }, field: FieldReference): void {
  const expected = cashExFlagFor(record.currency);
  if ((record.cashExFlag ?? null) !== expected) {
    throw new FieldViolation('INCONSISTENT', `must be ${expected === null ? 'a space' : `"${expected}"`} for ${record.currency}`, field);
  }
}

/** Table A.3: `银行流水号` is required when the bank initiated, `证券流水号` when the broker did (they match records). */
function checkInitiatorSerial(
  record: { readonly initiator: Initiator; readonly bankSerialNo: string | null; readonly brokerSerialNo: string | null },
  fieldNamed: (name: 'bankSerialNo' | 'brokerSerialNo') => FieldReference,
): void {
  const name = record.initiator === 'B' ? 'bankSerialNo' : 'brokerSerialNo';
  const serial: unknown = record[name];
  const blank = serial === null || serial === undefined || (typeof serial === 'string' && serial.trim() === '');
  if (blank) throw new FieldViolation('BLANK', `is required when the initiator is ${record.initiator}`, fieldNamed(name));
}

const chk01 = layoutOf<Chk01Record>();
export const CHK01_LAYOUT: RecordLayout<Chk01Record> = chk01.layout(
  [
    chk01.field('bankInstId', '银行机构代码', 8, instId),
    chk01.field('brokerInstId', '券商机构代码', 8, instId),
    chk01.field('branchId', '证券机构分支号', 4, branchId),
    chk01.field('tradeDate', '交易日期', 8, date),
    chk01.field('tradeTime', '交易时间', 6, time),
    chk01.field('clearingDate', '清算日期', 8, date),
    chk01.field('bankSerialNo', '银行流水号', 20, nullable(serialNo)),
    chk01.field('brokerSerialNo', '证券流水号', 20, nullable(serialNo)),
    chk01.field('bankAccountNo', '客户银行结算账户账号', 32, accountNo),
    chk01.field('fundAccountNo', '证券资金台账账号', 14, fundAccountNo),
    chk01.field('customerName', '客户名称', 32, customerName),
    chk01.field('initiator', '发起方', 1, initiator),
    chk01.field('functionCode', '业务功能码', 5, oneOf('a transfer function code', TRANSFER_FUNCTION_CODES)),
    chk01.field('currency', '货币代码', 3, currency),
    chk01.field('cashExFlag', '汇钞标志', 1, cashExFlag),
    chk01.field('amount', '转账金额', 16, amount('positive')),
  ],
  (record, fieldNamed) => {
    checkInitiatorSerial(record, fieldNamed);
    checkCashExFlag(record, fieldNamed('cashExFlag'));
  },
);

const chk02 = layoutOf<Chk02Record>();
export const CHK02_LAYOUT: RecordLayout<Chk02Record> = chk02.layout(
  [
    chk02.field('bankInstId', '银行机构代码', 8, instId),
    chk02.field('brokerInstId', '券商机构代码', 8, instId),
    chk02.field('branchId', '证券机构分支号', 4, branchId),
    chk02.field('tradeDate', '交易日期', 8, date),
    chk02.field('bankAccountNo', '客户银行结算账户账号', 32, nullable(accountNo)),
    chk02.field('fundAccountNo', '证券资金台账账号', 14, fundAccountNo),
    chk02.field('customerName', '客户名称', 32, customerName),
    chk02.field('currency', '货币代码', 3, currency),
    chk02.field('cashExFlag', '汇钞标志', 1, cashExFlag),
    chk02.field('status', '存管状态', 1, oneOf('a §7.13 custody status', CUSTODY_STATUSES)),
  ],
  (record, fieldNamed) => checkCashExFlag(record, fieldNamed('cashExFlag')),
);

const chk03 = layoutOf<Chk03Record>();
export const CHK03_LAYOUT: RecordLayout<Chk03Record> = chk03.layout(
  [
    chk03.field('bankInstId', '银行机构代码', 8, instId),
    chk03.field('brokerInstId', '券商机构代码', 8, instId),
    chk03.field('branchId', '证券机构分支号', 4, branchId),
    chk03.field('tradeDate', '交易日期', 8, date),
    chk03.field('tradeTime', '交易时间', 6, time),
    chk03.field('bankSerialNo', '银行流水号', 20, nullable(serialNo)),
    chk03.field('brokerSerialNo', '证券流水号', 20, nullable(serialNo)),
    chk03.field('custodyAccountNo', '存管账户', 22, nullable(accountNo)),
    chk03.field('bankAccountNo', '客户银行结算账户账号', 32, nullable(accountNo)),
    chk03.field('fundAccountNo', '证券资金台账账号', 14, fundAccountNo),
    chk03.field('customerName', '客户名称', 32, customerName),
    chk03.field('idType', '证件类型', 2, nullable(oneOf('a §7.9 ID type', CERTIFICATION_TYPES))),
    chk03.field('idNumber', '证件号码', 20, nullable(code('an ID number', TOKEN, { concealed: true }))),
    chk03.field('initiator', '发起方', 1, initiator),
    chk03.field('functionCode', '业务功能码', 5, oneOf('an account function code', ACCOUNT_FUNCTION_CODES)),
    chk03.field('currency', '货币代码', 3, currency),
    chk03.field('cashExFlag', '汇钞标志', 1, cashExFlag),
    chk03.field('amount', '金额', 16, amount('non-negative')),
  ],
  (record, fieldNamed) => {
    checkInitiatorSerial(record, fieldNamed);
    checkCashExFlag(record, fieldNamed('cashExFlag'));
  },
);

const chk04 = layoutOf<Chk04Record>();
export const CHK04_LAYOUT: RecordLayout<Chk04Record> = chk04.layout(
  [
    chk04.field('bankInstId', '银行机构代码', 8, instId),
    chk04.field('brokerInstId', '券商机构代码', 8, instId),
    chk04.field('branchId', '证券机构分支号', 4, branchId),
    chk04.field('tradeDate', '交易日期', 8, date),
    chk04.field('fundAccountNo', '证券资金台账账号', 14, fundAccountNo),
    chk04.field('customerName', '客户名称', 32, customerName),
    chk04.field('currency', '货币代码', 3, currency),
    chk04.field('cashExFlag', '汇钞标志', 1, cashExFlag),
    chk04.field('amount', '金额', 16, amount('non-negative')),
  ],
  (record, fieldNamed) => checkCashExFlag(record, fieldNamed('cashExFlag')),
);

const dif04 = layoutOf<Dif04Record>();
export const DIF04_LAYOUT: RecordLayout<Dif04Record> = dif04.layout(
  [
    dif04.field('bankInstId', '银行机构代码', 8, instId),
    dif04.field('brokerInstId', '券商机构代码', 8, instId),
    dif04.field('branchId', '证券机构分支号', 4, branchId),
    dif04.field('date', '日期', 8, date),
    dif04.field('currency', '货币代码', 3, currency),
    dif04.field('cashExFlag', '汇钞标志', 1, cashExFlag),
    dif04.field('fundAccountNo', '证券资金台账账号', 14, fundAccountNo),
    dif04.field('customerName', '客户名称', 32, nullable(customerName)),
    dif04.field('brokerAmount', '证券公司金额', 16, amount('non-negative')),
    dif04.field('bankAmount', '银行金额', 16, amount('non-negative')),
    dif04.field('remark', '备注信息', 32, textOneOf('a DIF04 remark', Object.values(DIF04_REMARKS))),
  ],
  (record, fieldNamed) => checkCashExFlag(record, fieldNamed('cashExFlag')),
);

const dat01 = layoutOf<Dat01Record>();
export const DAT01_LAYOUT: RecordLayout<Dat01Record> = dat01.layout(
  [
    dat01.field('bankInstId', '银行机构代码', 8, instId),
    dat01.field('brokerInstId', '券商机构代码', 8, instId),
    dat01.field('branchId', '证券机构分支号', 4, branchId),
    dat01.field('tradeDate', '交易日期', 8, date),
    dat01.field('brokerSerialNo', '证券流水号', 20, serialNo),
    dat01.field('fundAccountNo', '证券资金台账账号', 14, fundAccountNo),
    dat01.field('customerName', '客户名称', 32, customerName),
    dat01.field('interestType', '结息类型', 1, oneOf('a §7.16 interest type', INTEREST_TYPES)),
    dat01.field('currency', '货币代码', 3, currency),
    dat01.field('cashExFlag', '汇钞标志', 1, cashExFlag),
    dat01.field('interest', '利息', 16, amount('non-negative')),
    dat01.field('interestTax', '利息税', 16, amount('non-negative')),
  ],
  (record, fieldNamed) => checkCashExFlag(record, fieldNamed('cashExFlag')),
);

const dat02 = layoutOf<Dat02Record>();
export const DAT02_LAYOUT: RecordLayout<Dat02Record> = dat02.layout(
  [
    dat02.field('bankInstId', '银行机构代码', 8, instId),
    dat02.field('brokerInstId', '券商机构代码', 8, instId),
    dat02.field('branchId', '证券机构分支号', 4, branchId),
    dat02.field('tradeDate', '交易日期', 8, date),
    dat02.field('fundAccountNo', '证券资金台账账号', 14, fundAccountNo),
    dat02.field('customerName', '客户名称', 32, customerName),
    dat02.field('currency', '货币代码', 3, currency),
    dat02.field('cashExFlag', '汇钞标志', 1, cashExFlag),
    dat02.field('amount', '交收金额', 16, amount('signed')),
  ],
  (record, fieldNamed) => checkCashExFlag(record, fieldNamed('cashExFlag')),
);

const bankName = nullable(text('开户银行'));
const datzt = layoutOf<DatztRecord>();
export const DATZT_LAYOUT: RecordLayout<DatztRecord> = datzt.layout(
  [
    datzt.field('brokerInstId', '券商机构代码', 8, instId),
    datzt.field('settlementDate', '交收日期', 8, date),
    datzt.field('settlementAccountNo', '法人交收账户账号', 32, accountNo),
    datzt.field('settlementAccountBank', '法人交收账户开户银行', 60, bankName),
    datzt.field('counterpartyCode', '对方交收主体代码', 8, nullable(code('a settlement counterparty code', TOKEN))),
    datzt.field('counterpartyAccountNo', '对方交收主体账户账号', 32, accountNo),
    datzt.field('counterpartyAccountBank', '对方交收主体账户开户银行', 60, bankName),
    datzt.field('currency', '货币代码', 3, currency),
    datzt.field('cashExFlag', '汇钞标志', 1, cashExFlag),
    datzt.field('amount', '交收金额', 16, amount('signed')),
  ],
  (record, fieldNamed) => checkCashExFlag(record, fieldNamed('cashExFlag')),
);
