import type { RelationshipAccountStatus } from '@custody/contracts';

/**
 * The broker's codes for a bank's 11011 (bank-protocol.md §4.1 "11011" and "Broker codes for a bank's account
 * requests"; the same-status codes are JR/T 0046 §7.23's 5003 该客户已冻结, 5004 该客户未冻结, 5005 该客户已挂失).
 */
export const STATUS_CHANGE_CODES = {
  CHANGED: '0000',
  /** The bank reused its serial for another request (as for its transfers). */
  DUPLICATE_BANK_SERIAL: '2004',
  FUND_ACCOUNT_NOT_FOUND: '2011',
  NOT_LINKED: '2013',
  MESSAGE_FORMAT: '2044',
  ALREADY_FROZEN: '5003',
  NOT_FROZEN: '5004',
  ALREADY_LOST: '5005',
} as const;

/** Profile §4.1: the same status again is refused, with the code that names the status the account already has. */
const SAME_STATUS: Readonly<Record<RelationshipAccountStatus, '5003' | '5004' | '5005'>> = {
  FROZEN: STATUS_CHANGE_CODES.ALREADY_FROZEN,
  NORMAL: STATUS_CHANGE_CODES.NOT_FROZEN,
  LOST: STATUS_CHANGE_CODES.ALREADY_LOST,
};

export interface StatusChangeRequest {
  /** Empty when the bank named none. */
  readonly fundAccountNo: string;
  readonly accountStatus: RelationshipAccountStatus;
}

/** What our books hold about the request's fund account. */
export interface StatusChangeFacts {
  readonly fundAccountExists: boolean;
  /** The account status of each currency's DESIGNATED relationship of the fund account with the requesting bank. */
  readonly designatedHere: readonly RelationshipAccountStatus[];
}

export type StatusChangeVerdict =
  | { readonly code: typeof STATUS_CHANGE_CODES.CHANGED }
  | { readonly code: Exclude<(typeof STATUS_CHANGE_CODES)[keyof typeof STATUS_CHANGE_CODES], '0000'>; readonly why: string };

/**
 * 11011 B: whether the bank's status change is accepted. It names the fund account, whose relationships with this
 * bank must be designated (a status belongs to a live custody relationship, every currency of it), and must change
 * something: a status the relationships all have already is refused.
 */
export function statusChangeVerdict(request: StatusChangeRequest, facts: StatusChangeFacts): StatusChangeVerdict {
  if (!request.fundAccountNo) return { code: STATUS_CHANGE_CODES.MESSAGE_FORMAT, why: '11011 needs ScAcct' };
  if (!facts.fundAccountExists) return { code: STATUS_CHANGE_CODES.FUND_ACCOUNT_NOT_FOUND, why: 'no such fund account' };
  if (facts.designatedHere.length === 0) return { code: STATUS_CHANGE_CODES.NOT_LINKED, why: 'the fund account is not designated at this bank' };
  if (facts.designatedHere.every((status) => status === request.accountStatus)) {
    return { code: SAME_STATUS[request.accountStatus], why: `the relationship is ${request.accountStatus} already` };
  }
  return { code: STATUS_CHANGE_CODES.CHANGED };
}

/** What the broker's books hold when it is asked to change a fund account's status at its bank (11011 S). */
export interface BrokerStatusChangeFacts {
  /** The account status of each currency's DESIGNATED relationship of the fund account at its bank. */
  readonly designated: readonly RelationshipAccountStatus[];
  /** An 11011 S of the fund account, or a change of its custodian bank (F-3.6), still awaits a bank's definite answer. */
  readonly changeInFlight: boolean;
}

export interface BrokerStatusChangeRefusal {
  readonly code: 'RELATIONSHIP_NOT_ACTIVE' | 'RELATIONSHIP_CHANGING' | 'ACCOUNT_STATUS_UNCHANGED';
  readonly why: string;
}

/**
 * 11011 S: whether the broker sends an operator's status change to the bank. The rules are the bank's for ours
 * (statusChangeVerdict), checked before anything is sent so the operator gets our precise code instead of the bank's
 * 5003/5004/5005: a status belongs to a live (designated) relationship, and a status every currency has already is
 * not sent. One change at a time: while one awaits the bank, the next could only be judged against a status that is
 * about to change.
 */
export function brokerStatusChangeRefusal(accountStatus: RelationshipAccountStatus, facts: BrokerStatusChangeFacts): BrokerStatusChangeRefusal | undefined {
  if (facts.designated.length === 0) return { code: 'RELATIONSHIP_NOT_ACTIVE', why: 'the fund account has no designated relationship whose status could change' };
  if (facts.changeInFlight) return { code: 'RELATIONSHIP_CHANGING', why: 'a status change or a change of custodian bank of the fund account still awaits the bank' };
  if (facts.designated.every((status) => status === accountStatus)) return { code: 'ACCOUNT_STATUS_UNCHANGED', why: `the relationship is ${accountStatus} already` };
  return undefined;
}
