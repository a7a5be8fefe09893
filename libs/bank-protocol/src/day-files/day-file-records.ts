import type { Currency, Money } from '@custody/money';
import type { CertificationType } from '../code-lists';

/**
 * The records of the day files (JR/T 0046 Appendix A, tables A.3–A.11; bank-protocol.md §5), with the
 * property names api.md fixes for breaks. Values are the hub's: dates `YYYY-MM-DD`, times `HH:MM:SS`,
 * amounts `Money` (fen only inside the file), a blank CHAR field `null`. So a record serialised as JSON is
 * api.md's view of it. Every property is written, in the table's order, by the layout of its file.
 */

/** 发起方: who initiated the business function, `B` bank or `S` securities firm. */
export type Initiator = 'B' | 'S';

/** 业务功能码 of CHK01: the §7.21 transfer functions (bank-protocol.md §5 lists 12001–12004). */
export const TRANSFER_FUNCTION_CODES = ['12001', '12002', '12003', '12004'] as const;
export type TransferFunctionCode = (typeof TRANSFER_FUNCTION_CODES)[number];

/** 业务功能码 of CHK03: the §7.21 account functions bank-protocol.md §5 lists. */
export const ACCOUNT_FUNCTION_CODES = ['11001', '11002', '11003', '11004', '11005', '11006', '11010', '11011'] as const;
export type AccountFunctionCode = (typeof ACCOUNT_FUNCTION_CODES)[number];

/** 汇钞标志 (§7.14) as the profile fixes it: blank (`null`) for CNY, `1` otherwise. */
export type CashExFlag = '1' | null;

export function cashExFlagFor(currency: Currency): CashExFlag {
  return currency === 'CNY' ? null : '1';
}

/** 存管状态 (§7.13 ManageStatus): `0` designated, `1` pre-designated, `2` designation cancelled. */
export const CUSTODY_STATUSES = ['0', '1', '2'] as const;
export type CustodyStatus = (typeof CUSTODY_STATUSES)[number];

/** 结息类型 (§7.16): `1` interest on closing the account, `2` batch interest. */
export const INTEREST_TYPES = ['1', '2'] as const;
export type InterestType = (typeof INTEREST_TYPES)[number];

/** Table A.3 转账交易明细对账文件. */
export interface Chk01Record {
  /** 银行机构代码 CHAR(8) */
  readonly bankInstId: string;
  /** 券商机构代码 CHAR(8) */
  readonly brokerInstId: string;
  /** 证券机构分支号 CHAR(4): the fund account's branch at the broker; at the bank the request's `BrchId` or blank. */
  readonly branchId: string | null;
  /** 交易日期: the writer's clock. */
  readonly tradeDate: string;
  /** 交易时间: the writer's clock. */
  readonly tradeTime: string;
  /** 清算日期: D. */
  readonly clearingDate: string;
  /** 银行流水号 CHAR(20): required when the bank initiated; otherwise the bank's serial if known. */
  readonly bankSerialNo: string | null;
  /** 证券流水号 CHAR(20): required when the broker initiated; otherwise the broker's serial if known. */
  readonly brokerSerialNo: string | null;
  /** 客户银行结算账户账号 CHAR(32) */
  readonly bankAccountNo: string;
  /** 证券资金台账账号 CHAR(14), 1–14 digits */
  readonly fundAccountNo: string;
  /** 客户名称 CHAR(32): the writer's record of the name, cut at a character boundary. */
  readonly customerName: string;
  /** 发起方 */
  readonly initiator: Initiator;
  /** 业务功能码 */
  readonly functionCode: TransferFunctionCode;
  /** 货币代码 */
  readonly currency: Currency;
  /** 汇钞标志 */
  readonly cashExFlag: CashExFlag;
  /** 转账金额 INT(16) in fen, positive. */
  readonly amount: Money;
}

/** Table A.4 客户账户状态对账文件: one record per relationship touched on D, its state at the end of D. */
export interface Chk02Record {
  readonly bankInstId: string;
  readonly brokerInstId: string;
  readonly branchId: string | null;
  readonly tradeDate: string;
  /** Blank for a pre-designated relationship (no bank account yet). */
  readonly bankAccountNo: string | null;
  readonly fundAccountNo: string;
  readonly customerName: string;
  readonly currency: Currency;
  readonly cashExFlag: CashExFlag;
  /** 存管状态 */
  readonly status: CustodyStatus;
}

/** Table A.5 账户类交易明细对账文件: one record per successful account function of D. */
export interface Chk03Record {
  readonly bankInstId: string;
  readonly brokerInstId: string;
  readonly branchId: string | null;
  readonly tradeDate: string;
  readonly tradeTime: string;
  readonly bankSerialNo: string | null;
  readonly brokerSerialNo: string | null;
  /** 存管账户 CHAR(22), informative. */
  readonly custodyAccountNo: string | null;
  /** For 11006 the new account; blank where the relationship has none (11002). */
  readonly bankAccountNo: string | null;
  readonly fundAccountNo: string;
  readonly customerName: string;
  /** 证件类型 */
  readonly idType: CertificationType | null;
  /** 证件号码 CHAR(20) */
  readonly idNumber: string | null;
  readonly initiator: Initiator;
  readonly functionCode: AccountFunctionCode;
  readonly currency: Currency;
  readonly cashExFlag: CashExFlag;
  /** 金额 INT(16): the opening balance for 11001/11002/11010, `ScBal` for 11004, 0 otherwise. */
  readonly amount: Money;
}

/** Table A.6 客户资金台账余额明细对账文件. */
export interface Chk04Record {
  readonly bankInstId: string;
  readonly brokerInstId: string;
  readonly branchId: string | null;
  readonly tradeDate: string;
  readonly fundAccountNo: string;
  readonly customerName: string;
  readonly currency: Currency;
  readonly cashExFlag: CashExFlag;
  /** 金额: the fund ledger's balance. */
  readonly amount: Money;
}

/** 备注信息 of DIF04, the three texts bank-protocol.md §5 allows. */
export const DIF04_REMARKS = {
  BALANCE_DIFFERS: '余额不符',
  NO_BANK_ACCOUNT: '银行方无此账户',
  NO_BROKER_ACCOUNT: '证券方无此账户',
} as const;
export type Dif04Remark = (typeof DIF04_REMARKS)[keyof typeof DIF04_REMARKS];

/** Table A.7 客户资金台账余额对账结果. */
export interface Dif04Record {
  readonly bankInstId: string;
  readonly brokerInstId: string;
  readonly branchId: string | null;
  /** 日期: D. */
  readonly date: string;
  readonly currency: Currency;
  readonly cashExFlag: CashExFlag;
  readonly fundAccountNo: string;
  /** The bank's record of the name; blank when the bank lacks the account. */
  readonly customerName: string | null;
  /** 证券公司金额 (0 when the broker lacks the account). */
  readonly brokerAmount: Money;
  /** 银行金额 (0 when the bank lacks the account). */
  readonly bankAmount: Money;
  /** 备注信息 CHAR(32) */
  readonly remark: Dif04Remark;
}

/** 对账异常原因代码: `B` only the bank has it, `S` only the broker, `X` both with compared fields differing. */
export type DifReason = 'B' | 'S' | 'X';

/** 对账异常处理结果代码 (A.2). The profile writes `B0` on DIF01 and `X0` on DIF02/DIF03. */
export const DIF_HANDLING_CODES = ['B1', 'S1', 'B0', 'S0', 'X0'] as const;
export type DifHandlingCode = (typeof DIF_HANDLING_CODES)[number];

/**
 * Table A.8 其它对账异常结果文件, a break of the CHKxx file whose records `R` are: the broker's and the bank's
 * records in that file's layout, `null` for the side that has none (written as spaces of the record's width).
 */
export interface DifRecord<R> {
  readonly reason: DifReason;
  /** 对账异常原因描述 CHAR(60), free text. */
  readonly description: string | null;
  /** 对账异常发生字段的位置集合: 1-based positions of the differing fields in the CHKxx layout (`FIELD_POSITIONS`). */
  readonly positions: readonly number[];
  readonly handlingCode: DifHandlingCode;
  /** 证券方原始记录 */
  readonly broker: R | null;
  /** 银行方原始记录 */
  readonly bank: R | null;
}

export type Dif01Record = DifRecord<Chk01Record>;
export type Dif02Record = DifRecord<Chk02Record>;
export type Dif03Record = DifRecord<Chk03Record>;

/** Table A.9 客户结息净额明细文件. */
export interface Dat01Record {
  readonly bankInstId: string;
  readonly brokerInstId: string;
  readonly branchId: string | null;
  readonly tradeDate: string;
  readonly brokerSerialNo: string;
  readonly fundAccountNo: string;
  readonly customerName: string;
  /** 结息类型 */
  readonly interestType: InterestType;
  readonly currency: Currency;
  readonly cashExFlag: CashExFlag;
  /** 利息: before tax. */
  readonly interest: Money;
  /** 利息税 */
  readonly interestTax: Money;
}

/** Table A.10 客户资金交收明细文件. */
export interface Dat02Record {
  readonly bankInstId: string;
  readonly brokerInstId: string;
  readonly branchId: string | null;
  readonly tradeDate: string;
  readonly fundAccountNo: string;
  readonly customerName: string;
  readonly currency: Currency;
  readonly cashExFlag: CashExFlag;
  /** 交收金额: positive a net sale (credit), negative a net purchase (debit). */
  readonly amount: Money;
}

/** Table A.11 交收主体间资金交收汇总文件 (DATzt), the layout of DAT03–DAT06. */
export interface DatztRecord {
  readonly brokerInstId: string;
  /** 交收日期 */
  readonly settlementDate: string;
  /** 法人交收账户账号 CHAR(32) */
  readonly settlementAccountNo: string;
  /** 法人交收账户开户银行 CHAR(60) */
  readonly settlementAccountBank: string | null;
  /** 对方交收主体代码 CHAR(8): CSDC, a fund company…; blank where the counterparty is a summary account. */
  readonly counterpartyCode: string | null;
  /** 对方交收主体账户账号 CHAR(32) */
  readonly counterpartyAccountNo: string;
  /** 对方交收主体账户开户银行 CHAR(60) */
  readonly counterpartyAccountBank: string | null;
  readonly currency: Currency;
  readonly cashExFlag: CashExFlag;
  /** 交收金额, signed. */
  readonly amount: Money;
}
