import type { ErrorCode, RelationshipAccountStatus } from '@custody/contracts';
import type { Identity } from './identity-rules';
import type { RelationshipStatus } from './custody-relationship.entity';

/**
 * The broker's codes for a change of a relationship's bank settlement account, 11006 (bank-protocol.md §4.1 "11006"
 * and "Broker codes for a bank's account requests"; JR/T 0046 §7.23), for the bank's request (F-3.4 B). The
 * broker-started side (F-3.4 S, `bankAccountChangeRefusal` below) checks its own request on the same conditions of the
 * relationship before sending it, answered as problems of our API instead of §7.23 codes.
 */
export const BANK_ACCOUNT_CHANGE_CODES = {
  CHANGED: '0000',
  /** The bank reused its serial for another request (as for its transfers). */
  DUPLICATE_BANK_SERIAL: '2004',
  /** 身份证号码不符: the new account's holder is not our customer by ID document. */
  IDENTITY_MISMATCH: '2009',
  /** 资金账户状态不正常: the relationship is frozen or reported lost — the code the broker refuses its transfers with. */
  ACCOUNT_ABNORMAL: '2010',
  FUND_ACCOUNT_NOT_FOUND: '2011',
  /** 资金账户与银行方账户未建立对应关系: no relationship at this bank in this currency, or the old account is not its. */
  NOT_LINKED: '2013',
  /** 资金账户与银行方账户已建立对应关系: the "new" account is the one already linked. */
  ALREADY_LINKED: '2014',
  MESSAGE_FORMAT: '2044',
  /** 账户姓名不符: the new account's holder is not our customer by name. */
  NAME_MISMATCH: '2047',
  /** 对应关系状态错: the relationship exists here but is not DESIGNATED (pre-designated, or its designation still in flight). */
  RELATIONSHIP_STATE: '3003',
} as const;

export interface BankAccountChangeRequest {
  readonly bankCode: string;
  /** Empty when the request named none. */
  readonly fundAccountNo: string;
  /** `BkAcct`: the account the customer leaves; empty when none was named. */
  readonly oldBankAccountNo: string;
  /** `NewBkAcct`: the account the customer brings; empty when none was named. */
  readonly newBankAccountNo: string;
  /** `Cust`: the holder of the new account as the initiator identified them; the ID number in clear, never logged. */
  readonly customer?: Identity;
}

/** What our books hold about the request's fund account and currency. */
export interface BankAccountChangeFacts {
  /** Undefined: no such fund account. */
  readonly holder?: Identity;
  /** The fund account's live relationship in the request's currency, at whichever bank. */
  readonly relationship?: {
    readonly status: RelationshipStatus;
    readonly bankCode: string;
    readonly bankAccountNo: string | null;
    readonly accountStatus: RelationshipAccountStatus;
  };
}

type Code = (typeof BANK_ACCOUNT_CHANGE_CODES)[keyof typeof BANK_ACCOUNT_CHANGE_CODES];

export type BankAccountChangeVerdict = { readonly code: typeof BANK_ACCOUNT_CHANGE_CODES.CHANGED } | { readonly code: Exclude<Code, '0000'>; readonly why: string };

/**
 * F-3.4 (domain.md §3, profile §4.1): whether a bank settlement account change is accepted. One currency, the
 * request's: JR/T 0046 §5.9.4 f allows one currency per 11006 (一次只能变更一个币种), and a fund account's currencies
 * are relationships of their own (CHK02 lists each with its own bank account), which may well keep another account.
 *
 * The accounts first (a request without them names nothing to change), then the relationship it changes: the one at
 * this bank, DESIGNATED (a pre-designated one has no bank account to leave), not frozen or lost (a frozen account's
 * money may not be steered elsewhere; the bank lifts the status first, 11011), linked to the old account; the new
 * account must be another one; and it must be the same customer's (domain.md F-3.4: same name and ID document), as
 * the initiator identified its holder — the broker's own check of the closed loop (I1): money will leave custody only
 * to this account from now on. An 11006 that names no holder cannot be checked and is refused as incomplete.
 */
export function bankAccountChangeVerdict(request: BankAccountChangeRequest, facts: BankAccountChangeFacts): BankAccountChangeVerdict {
  const { customer } = request;
  if (!request.fundAccountNo || !request.oldBankAccountNo || !request.newBankAccountNo || !customer) {
    return { code: BANK_ACCOUNT_CHANGE_CODES.MESSAGE_FORMAT, why: '11006 needs ScAcct, BkAcct, NewBkAcct and the holder of the new account (Cust)' };
  }
  if (!facts.holder) return { code: BANK_ACCOUNT_CHANGE_CODES.FUND_ACCOUNT_NOT_FOUND, why: 'no such fund account' };
  const { relationship } = facts;
  if (!relationship || relationship.bankCode !== request.bankCode) {
    return { code: BANK_ACCOUNT_CHANGE_CODES.NOT_LINKED, why: 'the fund account has no relationship at this bank in this currency' };
  }
  if (relationship.status !== 'DESIGNATED') return { code: BANK_ACCOUNT_CHANGE_CODES.RELATIONSHIP_STATE, why: `the relationship is ${relationship.status}, not designated` };
  if (relationship.accountStatus !== 'NORMAL') return { code: BANK_ACCOUNT_CHANGE_CODES.ACCOUNT_ABNORMAL, why: `the relationship is ${relationship.accountStatus}` };
  if (relationship.bankAccountNo !== request.oldBankAccountNo) return { code: BANK_ACCOUNT_CHANGE_CODES.NOT_LINKED, why: 'the old bank account is not the one linked' };
  if (request.newBankAccountNo === request.oldBankAccountNo) return { code: BANK_ACCOUNT_CHANGE_CODES.ALREADY_LINKED, why: 'the new bank account is the one already linked' };
  if (customer.name !== facts.holder.name) return { code: BANK_ACCOUNT_CHANGE_CODES.NAME_MISMATCH, why: "the new account's holder is not our customer by name" };
  if (customer.idType !== facts.holder.idType || customer.idNumber !== facts.holder.idNumber) {
    return { code: BANK_ACCOUNT_CHANGE_CODES.IDENTITY_MISMATCH, why: "the new account's holder is not our customer by ID document" };
  }
  return { code: BANK_ACCOUNT_CHANGE_CODES.CHANGED };
}

// ---- F-3.4 S: the broker's own request, before it is sent ----

/** What the customer asks: leave `oldBankAccountNo` for `newBankAccountNo` on one relationship (one currency). */
export interface BankAccountChangeAsked {
  readonly fundAccountNo: string;
  readonly currency: string;
  readonly oldBankAccountNo: string;
  readonly newBankAccountNo: string;
}

/** What our books hold: the fund account's live relationship in that currency, and whether a change of it is under way. */
export interface BankAccountChangeBooks {
  readonly relationship?: {
    readonly status: RelationshipStatus;
    readonly bankCode: string;
    readonly bankAccountNo: string | null;
    readonly accountStatus: RelationshipAccountStatus;
  };
  readonly changeInFlight: boolean;
}

export interface BankAccountChangeRefusal {
  readonly code: ErrorCode;
  readonly detail: string;
  /** The request field at fault, for a refusal of the input. */
  readonly field?: 'oldBankAccountNo' | 'newBankAccountNo';
}

/**
 * F-3.4 S (domain.md §3, profile §4.1 "11006"): what the broker checks before it sends a change of a relationship's
 * bank settlement account — the initiator "checks the custody relationship on the old account"; the bank checks that
 * the new account is the same customer's (5016) and exists. Refused before anything is recorded or sent:
 * - the same account twice asks for nothing (the bank would answer 1017): VALIDATION_FAILED on `newBankAccountNo`;
 * - only a DESIGNATED relationship has a bank account to leave (a pre-designated one gets it from the bank's 11003):
 *   RELATIONSHIP_NOT_ACTIVE;
 * - a frozen or lost one may not steer its money to another account (the bank lifts the status first, 11011):
 *   RELATIONSHIP_FROZEN;
 * - one change at a time: while the bank has not answered the last, the old account the next names is not known
 *   yet: RELATIONSHIP_CHANGING;
 * - the old account must be the one linked (the bank would answer 1016): VALIDATION_FAILED on `oldBankAccountNo`.
 *
 * The bank's own 11006 (F-3.4 B) is decided by `bankAccountChangeVerdict` above on the same conditions of the
 * relationship, answered with the broker's §7.23 codes.
 */
export function bankAccountChangeRefusal(asked: BankAccountChangeAsked, books: BankAccountChangeBooks): BankAccountChangeRefusal | undefined {
  if (asked.newBankAccountNo === asked.oldBankAccountNo) {
    return { code: 'VALIDATION_FAILED', field: 'newBankAccountNo', detail: 'newBankAccountNo is the same as oldBankAccountNo: there is nothing to change' };
  }
  const { relationship } = books;
  if (!relationship || relationship.status !== 'DESIGNATED') {
    const state = relationship ? `is ${relationship.status} at bank ${relationship.bankCode}, with no bank account to change` : `has no relationship in ${asked.currency}`;
    return { code: 'RELATIONSHIP_NOT_ACTIVE', detail: `fund account ${asked.fundAccountNo} ${state}` };
  }
  if (relationship.accountStatus !== 'NORMAL') {
    return { code: 'RELATIONSHIP_FROZEN', detail: `fund account ${asked.fundAccountNo} is ${relationship.accountStatus} at bank ${relationship.bankCode}: its bank account cannot change until the bank lifts that` };
  }
  if (books.changeInFlight) {
    return { code: 'RELATIONSHIP_CHANGING', detail: `a change of fund account ${asked.fundAccountNo}'s bank account or custodian bank in ${asked.currency} awaits the bank's answer` };
  }
  if (relationship.bankAccountNo !== asked.oldBankAccountNo) {
    return { code: 'VALIDATION_FAILED', field: 'oldBankAccountNo', detail: `oldBankAccountNo is not the bank account linked to fund account ${asked.fundAccountNo} in ${asked.currency}` };
  }
  return undefined;
}
