import {
  ACCOUNT_STATUSES,
  ACCOUNT_TYPES,
  AGENT_AUTH_CODES,
  BALANCE_TYPES,
  CERTIFICATION_TYPES,
  CUSTOMER_TYPE_ALIASES,
  CUSTOMER_TYPES,
  ENCRYPTION_MODES,
  FILE_BUSINESS_CODES,
  GENDER_CODES,
  INSTITUTION_TYPES,
  KEY_TYPES,
  PASSWORD_TYPES,
  SYSTEM_TYPES,
  YES_NO,
} from './code-lists';
import {
  amount,
  codeList,
  date,
  dateTime,
  type Infer,
  integer,
  optional,
  patterned,
  repeated,
  required,
  returnCode,
  sequence,
  serial,
  text,
  time,
} from './xml-schema';

/** JR/T 0046 §6 business components, element for element in the order of their tables. */

export const institutionType = codeList('InstitutionType', INSTITUTION_TYPES);
export const yesNo = codeList('YesNoIndicator', YES_NO);
/** §7.1 fixes only the format of CountryCode ({A~Z}{3,3}, GB/T 2659); the list itself is external. */
export const countryCode = patterned('CountryCode', /^[A-Z]{3}$/);

/** §6.3 Reference (流水号). The profile limits the serials a message issues to 20 characters (checked on `MsgHdr/Ref`). */
export const reference = sequence('Reference', {
  Ref: required(serial),
  IssrType: required(institutionType),
  RefIssr: optional(text(35)),
});
export type Reference = Infer<typeof reference>;

/** §6.4 Institution (机构信息). */
export const institution = sequence('Institution', {
  InstType: required(institutionType),
  InstId: required(text(35)),
  InstNm: optional(text(70)),
  BrchId: optional(text(35)),
  BrchNm: optional(text(70)),
  SubBrchId: optional(text(35)),
  SubBrchNm: optional(text(70)),
});
export type Institution = Infer<typeof institution>;

/**
 * §6.1 MessageHeader (table 54 / table 16). `Ref` is mandatory here although the table prints
 * [0..1]: §6.1.12 says 必选 and every message's usage rules require it.
 */
export const messageHeader = sequence('MessageHeader', {
  Ver: required(codeList('Version', ['1.0.0.1'])),
  SysType: required(codeList('SystemType', SYSTEM_TYPES)),
  InstrCd: required(patterned('InstructionCode', /^[0-9]{5}$/)),
  TradSrc: required(institutionType),
  Creator: optional(institution),
  Sender: required(institution),
  Recver: required(institution),
  Date: optional(date),
  Time: optional(time),
  Ref: required(reference),
  RltdRef: optional(reference),
  LstFrag: optional(yesNo),
});
export type MessageHeader = Infer<typeof messageHeader>;

/** §6.2 ReturnResult (返回结果). */
export const returnResult = sequence('ReturnResult', {
  Code: required(returnCode),
  Info: optional(text(128)),
});
export type ReturnResult = Infer<typeof returnResult>;

/** §6.5 Customer (客户信息). */
export const customer = sequence('Customer', {
  Name: required(text(70)),
  CertType: required(codeList('CertificationType', CERTIFICATION_TYPES)),
  CertId: required(text(35)),
  Type: optional(codeList('CustomerType', CUSTOMER_TYPES, CUSTOMER_TYPE_ALIASES)),
  Gender: optional(codeList('GenderCode', GENDER_CODES)),
  Ntnl: optional(countryCode),
  Addr: optional(text(70)),
  PstCd: optional(text(35)),
  Email: optional(text(70)),
  Fax: optional(text(35)),
  Mobile: optional(text(35)),
  Tel: optional(text(35)),
  Bp: optional(text(35)),
});
export type Customer = Infer<typeof customer>;

/** §6.6 Agent (代理人信息). */
export const agent = sequence('Agent', {
  Name: optional(text(70)),
  CertType: optional(codeList('CertificationType', CERTIFICATION_TYPES)),
  CertId: optional(text(35)),
  Auth: optional(codeList('AgentAuthCode', AGENT_AUTH_CODES)),
  Gender: optional(codeList('GenderCode', GENDER_CODES)),
  Ntnl: optional(countryCode),
  Addr: optional(text(70)),
  PstCd: optional(text(35)),
  Email: optional(text(70)),
  Fax: optional(text(35)),
  Mobile: optional(text(35)),
  Tel: optional(text(35)),
  Bp: optional(text(35)),
  BgnDt: optional(date),
  EndDt: optional(date),
});
export type Agent = Infer<typeof agent>;

/** §6.9 Password (密码). With `Enc` 02 the inner `Pwd` is the encrypted PIN block in hex (profile §2). */
export const password = sequence('Password', {
  Type: optional(codeList('PasswordType', PASSWORD_TYPES)),
  Enc: optional(codeList('EncryMode', ENCRYPTION_MODES)),
  Pwd: optional(text(35)),
});
export type Password = Infer<typeof password>;

/** §6.7 Account (账户), used for BkAcct, ScAcct and NewBkAcct. */
export const account = sequence('Account', {
  Id: required(text(35)),
  Name: optional(text(70)),
  Type: optional(codeList('AccountType', ACCOUNT_TYPES)),
  Status: optional(codeList('AccountStatus', ACCOUNT_STATUSES)),
  Pwd: repeated(password),
  RegDt: optional(date),
  VldDt: optional(date),
  AcctSvcr: optional(institution),
});
export type Account = Infer<typeof account>;

/** §6.8 PasswordKey (密钥): a working key under the exchange key (profile §2). */
export const passwordKey = sequence('PasswordKey', {
  KeyType: optional(codeList('PasswordKeyType', KEY_TYPES)),
  Enc: optional(codeList('EncryMode', ENCRYPTION_MODES)),
  PwdKey: optional(text(35)),
});
export type PasswordKey = Infer<typeof passwordKey>;

/** §6.10 Balance (余额). A balance is an Amount, so never negative (§4.2.2.1 minInclusive 0). */
export const balance = sequence('Balance', {
  Type: optional(codeList('BalanceType', BALANCE_TYPES)),
  Bal: required(amount('non-negative')),
});
export type Balance = Infer<typeof balance>;

/**
 * §6.11 FileInfo (文件信息). Only `FileName` is mandatory in the table; which of the others a message
 * needs is its usage rule (profile §5: 13008 and 13005 name a whole file). `FileLen` counts the bytes
 * of the `.gz`, `FileMac` is the uppercase hex SM3 of them; `Host` is never used by the profile (files
 * travel in-band) but is read when a bank sends it.
 */
export const fileInfo = sequence('FileInfo', {
  BusCode: optional(codeList('FileBusinessCode', FILE_BUSINESS_CODES)),
  BusDate: optional(date),
  Host: optional(text(35)),
  FileName: required(text(128)),
  FileLen: optional(integer),
  FileTime: optional(dateTime),
  FileMac: optional(text(128)),
});
export type FileInfo = Infer<typeof fileInfo>;

/**
 * §6.18 TransferSummuryStatement (转账汇总). Table 188 prints `DpstNum` as a Reference and `WtdrNum` as an
 * InstructionCode; its own element tables (189, 191) say Number, which is what a count is.
 */
export const transferSummary = sequence('TransferSummuryStatement', {
  DpstNum: required(integer),
  DpstAmt: required(amount('non-negative')),
  WtdrNum: required(integer),
  WtdrAmt: required(amount('non-negative')),
});
export type TransferSummary = Infer<typeof transferSummary>;

/** §6.19 TransferSummuryStatementConfirm (转账汇总对账结果): the bank's figures, ours echoed, and the verdict. */
export const transferSummaryConfirm = sequence('TransferSummuryStatementConfirm', {
  BkEntry: optional(transferSummary),
  ScEntry: optional(transferSummary),
  ChkRst: required(returnResult),
});
export type TransferSummaryConfirm = Infer<typeof transferSummaryConfirm>;
