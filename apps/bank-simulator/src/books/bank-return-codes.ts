import type { KnownReturnCode } from '@custody/bank-protocol';

/**
 * The bank-side §7.23 codes this bank answers with, by what they mean here. Where the table offers
 * several candidates the choice and its reason sit next to the code, so the broker's mapping and
 * ours can be compared line by line.
 */
export const BANK_RETURN_CODES = {
  SUCCESS: '0000',
  WRONG_PASSWORD: '1001',
  INSUFFICIENT_BANK_BALANCE: '1002',
  /** Same serial, different content: not a re-send, so the original reply is not ours to repeat. */
  DUPLICATE_SERIAL: '1004',
  /** A reversal whose original never arrived: its `CnRef` is remembered so the late original is refused 1006. */
  REVERSAL_ORIGINAL_NOT_FOUND: '1005',
  ALREADY_REVERSED: '1006',
  /** The reversal's amount (or its naming of the original) does not match; accounts, currency and code have their own. */
  REVERSAL_MISMATCH: '1007',
  /** A 12004 cannot put the money back into custody: the bank account no longer holds it. */
  REVERSAL_BANK_BALANCE_SHORT: '1008',
  /** 证件不符: an 11002's identity contradicts the bank's own record of that ID document (another name on it). */
  IDENTITY_DOCUMENT_MISMATCH: '1012',
  BANK_ACCOUNT_NOT_FOUND: '1014',
  NOT_LINKED: '1016',
  /** This fund account and this very bank account are already linked (the literal wording of 1017). */
  ALREADY_LINKED: '1017',
  /** bank-protocol.md §7 step 1: a 13012 for an older date, or for today after its 13011. */
  DATE_MISMATCH: '1032',
  QUERIED_NEVER_SEEN: '1027',
  QUERIED_IN_PROGRESS: '1028',
  NO_SUCH_TRANSACTION: '1033',
  TRANSACTION_NOT_ENABLED: '1034',
  /** The request names another bank as its receiver. */
  INVALID_BANK_NUMBER: '1038',
  SYSTEM_ERROR: '1041',
  /** Also the bank-side code for a currency the account does not hold (libs/bank-protocol WRONG_CURRENCY). */
  MESSAGE_FORMAT_ERROR: '1044',
  /** The custody account (the customer's management account under the summary account) is short. */
  INSUFFICIENT_CUSTODY_BALANCE: '1052',
  /** The bank account is already the custody link of another fund account of this broker. */
  BANK_ACCOUNT_ALREADY_IN_CUSTODY: '5002',
  /** Profile §4.1 "11011": the status the broker asks for is the one the customer has (该客户已冻结 / 未冻结 / 已挂失). */
  ALREADY_FROZEN: '5003',
  NOT_FROZEN: '5004',
  ALREADY_LOST: '5005',
  CERT_TYPE_MISMATCH: '5010',
  CERT_ID_MISMATCH: '5011',
  /** The table has no bank-side "name mismatch"; the named customer is not the account holder. */
  NOT_SAME_CUSTOMER: '5016',
  /**
   * 银证转账对应关系已存在: the fund account already has a relationship for this currency — designated with another
   * bank account (11001), any relationship (11002), or a pre-designated one an 11001 may not designate (profile §4.1).
   */
  RELATIONSHIP_EXISTS: '5201',
  /** bank-protocol.md §7 step 3: a new broker transfer after the day's 13011 (银证转账证券公司已签退). */
  DAY_ENDED: '5215',
  /** Profile §4.1 "11011": a broker transfer on a frozen (银证转账客户已冻结) or lost (已挂失) custody account. */
  CUSTODY_FROZEN: '5218',
  CUSTODY_LOST: '5219',
  /**
   * 发送明细文件错, the bank's code for the day's files: a chunk or file it discards, a file it does not have
   * (profile §5); also 13010's `ChkRst` when the broker's figures are not the bank's (§7 step 4: the standard
   * has no code of its own for it).
   */
  SUMMARY_MISMATCH: '5208',
  REVERSAL_ACCOUNT_MISMATCH: '5233',
  REVERSAL_CURRENCY_MISMATCH: '5234',
  REVERSAL_INSTRUCTION_MISMATCH: '5235',
  INVALID_SERIAL: '5236',
  /** A bank-initiated request that never left the bank. */
  SEND_TO_BROKER_FAILED: '9014',
} as const satisfies Record<string, KnownReturnCode>;

export type BankReturnCode = (typeof BANK_RETURN_CODES)[keyof typeof BANK_RETURN_CODES];

/**
 * The broker's answers the bank acts on when it is the initiator (profile §4 reversal semantics):
 * each decides what the bank does with its own side of the original.
 */
export const BROKER_RETURN_CODES = {
  /** The broker never saw the original and remembered the `CnRef`: it will refuse the original for ever. */
  REVERSAL_ORIGINAL_NOT_FOUND: '2005',
  ALREADY_REVERSED: '2006',
  /** The deposit's funds were already used at the broker: the reversal goes to manual handling. */
  REVERSAL_FUNDS_USED: '2008',
} as const satisfies Record<string, KnownReturnCode>;
