/**
 * JR/T 0046 §7 code lists used by the messages implemented so far. Where §6 and §7 disagree on a
 * code's width (account type, agent authority), §7's table and the Appendix B example win: one digit.
 */

/** §7.8 InstitutionType. `B` bank, `S` securities firm, `F` futures firm, `C` futures margin centre. */
export const INSTITUTION_TYPES = ['B', 'S', 'F', 'C'] as const;
export type InstitutionType = (typeof INSTITUTION_TYPES)[number];

/** §7.18 SystemType. The profile only ever uses `0` (third-party custody, 第三方存管). */
export const SYSTEM_TYPES = ['0', '1', '2'] as const;
export type SystemType = (typeof SYSTEM_TYPES)[number];
export const CUSTODY_SYSTEM_TYPE = '0' satisfies SystemType;

/** §7.5 PasswordKeyType: 0 exchange, 1 PIN, 2 MAC, 3 message key. */
export const KEY_TYPES = ['0', '1', '2', '3'] as const;
export type KeyType = (typeof KEY_TYPES)[number];
export const KEY_TYPE = { EXCHANGE: '0', PIN: '1', MAC: '2', MESSAGE: '3' } as const satisfies Record<string, KeyType>;

/** §7.6 PasswordType: 0 query, 1 withdrawal, 2 transfer, 3 trading. */
export const PASSWORD_TYPES = ['0', '1', '2', '3'] as const;
export type PasswordType = (typeof PASSWORD_TYPES)[number];
export const PASSWORD_TYPE = { QUERY: '0', WITHDRAWAL: '1', TRANSFER: '2', TRADING: '3' } as const satisfies Record<string, PasswordType>;

/** §7.7 EncryMode: 00 clear, 01 DES, 02 3DES. The profile uses 02 for keys and passwords. */
export const ENCRYPTION_MODES = ['00', '01', '02'] as const;
export type EncryptionMode = (typeof ENCRYPTION_MODES)[number];
export const TRIPLE_DES_MODE = '02' satisfies EncryptionMode;

/** §7.9 CertificationType. */
export const CERTIFICATION_TYPES = [
  '10', '11', '12', '13', '14', '15', '16', '17', '18', '19', '20', '21', '22', '23', '24', '25', '26',
  '27', '28', '29', '30', '31', '32', '33', '34', '35',
] as const;
export type CertificationType = (typeof CERTIFICATION_TYPES)[number];

/** §7.10 CustomerType: INVE individual, INVI institution, INVA agent. */
export const CUSTOMER_TYPES = ['INVE', 'INVI', 'INVA'] as const;
export type CustomerType = (typeof CUSTOMER_TYPES)[number];
/**
 * The standard's own Appendix B example writes `INDV`; a bank that copied it means an individual.
 * Accepted on input only, like `RMB` for `CNY`.
 */
export const CUSTOMER_TYPE_ALIASES = { INDV: 'INVE' } as const satisfies Record<string, CustomerType>;

/** §7.4 GenderCode. */
export const GENDER_CODES = ['F', 'M', 'O'] as const;
export type GenderCode = (typeof GENDER_CODES)[number];

/** §7.11 AccountType: 1 bank settlement account, 2 bank custody account (存管账户), 3 securities fund account. */
export const ACCOUNT_TYPES = ['1', '2', '3'] as const;
export type AccountType = (typeof ACCOUNT_TYPES)[number];
export const ACCOUNT_TYPE = { BANK_SETTLEMENT: '1', BANK_CUSTODY: '2', FUND_ACCOUNT: '3' } as const satisfies Record<string, AccountType>;

/** §7.12 AccountStatus: 0 normal (default), 1 frozen, 2 reported lost. */
export const ACCOUNT_STATUSES = ['0', '1', '2'] as const;
export type AccountStatus = (typeof ACCOUNT_STATUSES)[number];
export const ACCOUNT_STATUS = { NORMAL: '0', FROZEN: '1', LOST: '2' } as const satisfies Record<string, AccountStatus>;

/** §7.14 CashExCode: 1 remittance (汇), 2 cash (钞). */
export const CASH_EX_CODES = ['1', '2'] as const;
export type CashExCode = (typeof CASH_EX_CODES)[number];

/** §7.15 BalanceType: 0 current (default), 1 available, 2 withdrawable, 3 frozen. */
export const BALANCE_TYPES = ['0', '1', '2', '3'] as const;
export type BalanceType = (typeof BALANCE_TYPES)[number];
export const BALANCE_TYPE = { BALANCE: '0', AVAILABLE: '1', WITHDRAWABLE: '2', FROZEN: '3' } as const satisfies Record<string, BalanceType>;

/** §7.17 AgentAuthCode: 0 none, 1 may withdraw. */
export const AGENT_AUTH_CODES = ['0', '1'] as const;
export type AgentAuthCode = (typeof AGENT_AUTH_CODES)[number];

/** §7.19 FeePayFlag. */
export const FEE_PAY_FLAGS = ['BEN', 'OUR', 'SHA'] as const;
export type FeePayFlag = (typeof FEE_PAY_FLAGS)[number];

/** §7.20 YesNoIndicator. */
export const YES_NO = ['Y', 'N'] as const;
export type YesNo = (typeof YES_NO)[number];

/**
 * §7.21 InstructionCode plus the codes table 17 (§4.4.5) adds (10005, 10006, 13012). Table 229 prints
 * account balance reconciliation as 12004; table 17 and the range rule make it 13004.
 */
export const INSTRUCTION_CODES = {
  SIGN_IN: '10001',
  SIGN_OFF: '10002',
  HEARTBEAT: '10003',
  KEY_SYNC: '10004',
  RESEND_REQUEST: '10005',
  SEQUENCE_RESET: '10006',
  DESIGNATE: '11001',
  PRE_DESIGNATE: '11002',
  CONFIRM_DESIGNATION: '11003',
  CANCEL_DESIGNATION: '11004',
  CHANGE_CUSTOMER: '11005',
  CHANGE_BANK_ACCOUNT: '11006',
  IDENTITY_CHECK: '11007',
  QUERY_FUND_BALANCE: '11008',
  QUERY_BANK_BALANCE: '11009',
  REGISTER_CURRENCY: '11010',
  CHANGE_ACCOUNT_STATUS: '11011',
  BANK_TO_SECURITIES: '12001',
  SECURITIES_TO_BANK: '12002',
  REVERSE_BANK_TO_SECURITIES: '12003',
  REVERSE_SECURITIES_TO_BANK: '12004',
  QUERY_RESULT: '12005',
  INTEREST: '12006',
  RECONCILE_ACCOUNT_STATUS: '13001',
  RECONCILE_ACCOUNT_TRANSACTIONS: '13002',
  RECONCILE_TRANSFERS: '13003',
  RECONCILE_BALANCES: '13004',
  DAY_END_DATA_READY: '13005',
  REQUEST_FILE_INFO: '13006',
  REQUEST_FILE_DATA: '13007',
  SEND_FILE_INFO: '13008',
  SEND_FILE_DATA: '13009',
  RECONCILE_TRANSFER_SUMMARY: '13010',
  DAY_BUSINESS_END: '13011',
  DAY_BUSINESS_START: '13012',
} as const;
export type InstructionCode = (typeof INSTRUCTION_CODES)[keyof typeof INSTRUCTION_CODES];

/** §7.22 FileBusinessCode (文件业务功能), the `BusCode` of a `FileInfo`. */
export const FILE_BUSINESS_CODES = [
  '0000', '0001', '0002', '0003', '0004', '0005', '0006', '0007', '0008', '0009', '0010', '0011', '0012', '0013',
  '0014', '0015',
] as const;
export type FileBusinessCode = (typeof FILE_BUSINESS_CODES)[number];

/**
 * Profile §5: the `BusCode` each day file travels under. DIF01–03 share `0008` (其它对账异常结果文件),
 * DAT03/DAT04 share `0011` and DAT05/DAT06 `0012`; the file name tells them apart.
 */
export const DAY_FILE_BUSINESS_CODES = {
  CHK01: '0001',
  CHK02: '0002',
  CHK03: '0003',
  CHK04: '0005',
  DIF01: '0008',
  DIF02: '0008',
  DIF03: '0008',
  DIF04: '0007',
  DAT01: '0009',
  DAT02: '0010',
  DAT03: '0011',
  DAT04: '0011',
  DAT05: '0012',
  DAT06: '0012',
} as const satisfies Record<string, FileBusinessCode>;
