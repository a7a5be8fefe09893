import type { Money } from '@custody/money';
import type { RelationshipStatus } from './custody-relationship.entity';

/**
 * The broker's codes for the relationship side of a bank's cancellation, 11004 B (bank-protocol.md §4.1 "11004" and
 * "Broker codes for a bank's account requests"; JR/T 0046 §7.23). The ledger's side (balance, holds, frozen, transfers
 * in flight) is the transfer service's: apps/transfer/src/ledger/cancellation-rules.ts.
 */
export const BANK_CANCELLATION_CODES = {
  /** Accepted here: the ledger decides next and answers the bank. */
  ACCEPTED: '0000',
  /** The bank reused its serial for another request (as for its transfers). */
  DUPLICATE_BANK_SERIAL: '2004',
  FUND_ACCOUNT_NOT_FOUND: '2011',
  /** 资金账户与银行方账户未建立对应关系: no relationship at this bank in this currency, or not with the bank account named. */
  NOT_LINKED: '2013',
  /**
   * 此交易未开通: an 11004 with a positive `ScBal` moves the balance to another custodian bank (F-3.6, profile §4.1),
   * which a bank does not start here: it is not a cancellation, and no function of ours takes it.
   */
  NOT_OFFERED: '2033',
  MESSAGE_FORMAT: '2044',
  /**
   * 对应关系状态错: the relationship here is not settled yet (its designation still awaits the bank's answer), or is
   * being changed (the broker's own cancellation of it awaits the bank's answer).
   */
  RELATIONSHIP_STATE: '3003',
} as const;

export interface BankCancellationRequest {
  readonly bankCode: string;
  /** Empty when the request named none. */
  readonly fundAccountNo: string;
  /** `BkAcct`; absent when the bank named none, which only a pre-designated relationship allows (profile §4.1). */
  readonly bankAccountNo?: string;
  /** `ScBal`, the balance leaving the custody account; absent when the bank sent none. */
  readonly leavingBalance?: Money;
}

/** What our books hold about the request's fund account and currency. */
export interface BankCancellationFacts {
  readonly fundAccountExists: boolean;
  /** The fund account's live relationship in the request's currency, at whichever bank. */
  readonly relationship?: {
    readonly status: RelationshipStatus;
    readonly bankCode: string;
    readonly bankAccountNo: string | null;
    /** The broker's own cancellation of it (F-3.8 S) awaits the bank: its ledger is closed for that one. */
    readonly brokerCancellationPending: boolean;
  };
}

type Code = (typeof BANK_CANCELLATION_CODES)[keyof typeof BANK_CANCELLATION_CODES];

export type BankCancellationVerdict = { readonly code: typeof BANK_CANCELLATION_CODES.ACCEPTED } | { readonly code: Exclude<Code, '0000'>; readonly why: string };

/**
 * F-3.8 B (domain.md §3, profile §4.1): whether account hands the bank's cancellation on to the ledger. The request
 * first: it names a fund account, and carries no balance leaving (absent or 0.00); then the relationship it
 * cancels: the fund account's live one in the currency, at this bank, settled (DESIGNATED or PRE_DESIGNATED), and
 * named by its own bank account — which only a pre-designated relationship, having none, may leave out.
 *
 * A frozen or lost relationship passes here: whether anything holds the ledger open is decided by the transfer
 * service with everything else the ledger knows, so the bank gets one answer that names the first thing in the way.
 */
export function bankCancellationVerdict(request: BankCancellationRequest, facts: BankCancellationFacts): BankCancellationVerdict {
  if (!request.fundAccountNo) return { code: BANK_CANCELLATION_CODES.MESSAGE_FORMAT, why: '11004 needs ScAcct' };
  if (request.leavingBalance && !request.leavingBalance.isZero()) {
    return {
      code: BANK_CANCELLATION_CODES.NOT_OFFERED,
      why: `ScBal ${request.leavingBalance.toString()} leaving is a change of custodian bank (F-3.6), which a bank does not start here; a cancellation carries none`,
    };
  }
  if (!facts.fundAccountExists) return { code: BANK_CANCELLATION_CODES.FUND_ACCOUNT_NOT_FOUND, why: 'no such fund account' };
  const { relationship } = facts;
  if (!relationship || relationship.bankCode !== request.bankCode) {
    return { code: BANK_CANCELLATION_CODES.NOT_LINKED, why: 'the fund account has no relationship at this bank in this currency' };
  }
  if (relationship.status !== 'DESIGNATED' && relationship.status !== 'PRE_DESIGNATED') {
    return { code: BANK_CANCELLATION_CODES.RELATIONSHIP_STATE, why: `the relationship is ${relationship.status}, not designated` };
  }
  if (relationship.brokerCancellationPending) {
    return { code: BANK_CANCELLATION_CODES.RELATIONSHIP_STATE, why: "the broker's own cancellation of the relationship awaits the bank's answer" };
  }
  if (request.bankAccountNo === undefined) {
    if (relationship.status === 'DESIGNATED') return { code: BANK_CANCELLATION_CODES.MESSAGE_FORMAT, why: '11004 of a designated relationship needs BkAcct' };
  } else if (request.bankAccountNo !== relationship.bankAccountNo) {
    return { code: BANK_CANCELLATION_CODES.NOT_LINKED, why: 'the bank account is not the one linked to the fund account' };
  }
  return { code: BANK_CANCELLATION_CODES.ACCEPTED };
}
