import { type FundPasswordCheck, fundPasswordRefusal, type RelationshipAccountStatus } from '@custody/contracts';
import { type Identity, identityMismatch } from './identity-rules';
import type { RelationshipStatus } from './custody-relationship.entity';

/**
 * The broker's codes for a bank's 11001 (F-3.3 B) and 11010 (another currency) (bank-protocol.md §4.1 "Broker codes for
 * a bank's account requests", §7.23).
 */
export const BANK_DESIGNATION_CODES = {
  DESIGNATED: '0000',
  WRONG_FUND_PASSWORD: '2001',
  /** The bank reused its serial for another request (as for its transfers). */
  DUPLICATE_BANK_SERIAL: '2004',
  IDENTITY_MISMATCH: '2009',
  /** 11010: the relationship to add the currency to is frozen or reported lost (资金账户状态不正常). */
  RELATIONSHIP_NOT_NORMAL: '2010',
  FUND_ACCOUNT_NOT_FOUND: '2011',
  /** 11010: the fund account has no relationship with this bank account at this bank to add the currency to. */
  NOT_LINKED: '2013',
  ALREADY_DESIGNATED_HERE: '2014',
  /**
   * domain.md §13: another fund account of the customer is already at this bank. §7.23 has no code for it; 2034
   * (不允许该操作方式, the operation is not allowed) is the nearest, and the bank's own books would have refused first.
   */
  SECOND_FUND_ACCOUNT_AT_BANK: '2034',
  MESSAGE_FORMAT: '2044',
  NAME_MISMATCH: '2047',
  /** A pre-designation (only 11003 confirms it) or a designation of ours still awaiting this bank's answer. */
  RELATIONSHIP_STATE: '3003',
  /** The fund account exists, not in this currency (opened by `POST /v1/fund-accounts` per currency). */
  WRONG_CURRENCY: '3011',
  ALREADY_AT_OTHER_BANK: '3013',
} as const;

export type BankDesignationCode = (typeof BANK_DESIGNATION_CODES)[keyof typeof BANK_DESIGNATION_CODES];

export interface BankDesignationRequest {
  /** 11001 designates the fund account in a currency; 11010 adds a currency to its relationship with the bank. */
  readonly function: 'DESIGNATE' | 'REGISTER_CURRENCY';
  readonly bankCode: string;
  /** Empty when the bank named none. */
  readonly fundAccountNo: string;
  readonly currency: string;
  readonly bankAccountNo?: string;
  readonly customer: Identity;
  /** 11001 only: the adapter's verification of the fund password the customer typed at the counter. */
  readonly fundPassword?: FundPasswordCheck;
}

/** A live relationship (PENDING, PRE_DESIGNATED or DESIGNATED) of the fund account, any currency. */
export interface LiveRelationship {
  readonly currency: string;
  readonly status: RelationshipStatus;
  readonly bankCode: string;
  readonly bankAccountNo: string | null;
  readonly accountStatus: RelationshipAccountStatus;
}

/** What our books hold about the request's fund account, read under its and its customer's locks. */
export interface BankDesignationFacts {
  /** Undefined: no fund account of that number in any currency. */
  readonly holder?: Identity;
  /** The fund account is opened in the request's currency. */
  readonly currencyOpened: boolean;
  readonly relationships: readonly LiveRelationship[];
  /** Another fund account of the same customer with a live relationship at this bank (domain.md §13), if any. */
  readonly otherFundAccountAtBank?: string;
}

export type BankDesignationVerdict =
  | { readonly code: typeof BANK_DESIGNATION_CODES.DESIGNATED }
  | { readonly code: Exclude<BankDesignationCode, '0000' | '2004'>; readonly why: string };

const refuse = (code: Exclude<BankDesignationCode, '0000' | '2004'>, why: string): BankDesignationVerdict => ({ code, why });

/**
 * F-3.3 B (11001) and 11010 B: whether the bank's request opens a relationship. In the order a counter checks a
 * customer: the accounts named (a request without them names nothing to check); the fund account, then its currency;
 * the fund password (11001: it authorises the relationship, profile §4.1); the customer the bank identified against
 * ours, name then ID document; then the relationships: one live relationship per fund account and currency (I2), in
 * the right state, and for 11010 the relationship at this bank with this bank account that the currency joins;
 * finally one fund account of a customer per bank (domain.md §13).
 */
export function bankDesignationVerdict(request: BankDesignationRequest, facts: BankDesignationFacts): BankDesignationVerdict {
  const C = BANK_DESIGNATION_CODES;
  const name = request.function === 'DESIGNATE' ? '11001' : '11010';
  if (!request.fundAccountNo || !request.bankAccountNo) return refuse(C.MESSAGE_FORMAT, `${name} needs BkAcct and ScAcct`);
  if (!facts.holder) return refuse(C.FUND_ACCOUNT_NOT_FOUND, 'no such fund account');
  if (!facts.currencyOpened) return refuse(C.WRONG_CURRENCY, `the fund account is not opened in ${request.currency}`);
  if (request.function === 'DESIGNATE') {
    const wrongPassword = fundPasswordRefusal(request.fundPassword);
    if (wrongPassword) return refuse(C.WRONG_FUND_PASSWORD, wrongPassword);
  }
  const mismatch = identityMismatch(request.customer, facts.holder);
  if (mismatch === 'NAME') return refuse(C.NAME_MISMATCH, "the name is not our customer's");
  if (mismatch === 'ID_DOCUMENT') return refuse(C.IDENTITY_MISMATCH, "the ID document is not our customer's");
  const live = facts.relationships.find((relationship) => relationship.currency === request.currency);
  if (live && live.bankCode !== request.bankCode) return refuse(C.ALREADY_AT_OTHER_BANK, `the fund account is ${live.status} at bank ${live.bankCode} in ${request.currency}`);
  if (live?.status === 'DESIGNATED') return refuse(C.ALREADY_DESIGNATED_HERE, `the fund account is already designated at this bank in ${request.currency}`);
  if (live?.status === 'PRE_DESIGNATED') return refuse(C.RELATIONSHIP_STATE, 'the fund account is pre-designated at this bank: the customer confirms it (11003)');
  if (live) return refuse(C.RELATIONSHIP_STATE, `a designation of the fund account at this bank is ${live.status}`);
  if (request.function === 'REGISTER_CURRENCY') {
    const joined = facts.relationships.find((relationship) => relationship.bankCode === request.bankCode && relationship.status === 'DESIGNATED');
    if (!joined) {
      const elsewhere = facts.relationships.find((relationship) => relationship.bankCode !== request.bankCode);
      return elsewhere
        ? refuse(C.ALREADY_AT_OTHER_BANK, `the fund account's relationship is at bank ${elsewhere.bankCode}`)
        : refuse(C.NOT_LINKED, 'the fund account has no designated relationship at this bank to add a currency to');
    }
    if (joined.bankAccountNo !== request.bankAccountNo) return refuse(C.NOT_LINKED, 'the fund account is linked to another bank account at this bank');
    if (joined.accountStatus !== 'NORMAL') return refuse(C.RELATIONSHIP_NOT_NORMAL, `the fund account's relationship at this bank is ${joined.accountStatus}`);
  }
  if (facts.otherFundAccountAtBank) return refuse(C.SECOND_FUND_ACCOUNT_AT_BANK, `the customer's fund account ${facts.otherFundAccountAtBank} is already at this bank (domain.md §13)`);
  return { code: C.DESIGNATED };
}
