import type { LedgerClosingPurpose, LedgerClosingRefusalCode, LedgerClosingRequest, RelationshipAccountStatus } from '@custody/contracts';
import type { Money } from '@custody/money';

/** What the ledger holds when a function asks to close it, read under its row lock. */
export interface ClosingFacts {
  /** Absent: this service has no ledger of the fund account in that currency. */
  readonly ledger?: {
    readonly custodyStatus: string;
    readonly bankCode: string | null;
    readonly accountStatus: RelationshipAccountStatus;
    /** The function already holding it closed, if any. */
    readonly closedFor: string | null;
    readonly balance: Money;
  };
  /** The ledger's own transfers still PENDING or UNKNOWN (a withdrawal's hold among them). */
  readonly transfersInFlight: number;
  /** What the trading systems hold on it for orders (`POST …/holds`). */
  readonly tradingHeld: Money;
}

export type ClosingDecision =
  | { readonly decision: 'CLOSE'; readonly balance: Money }
  | { readonly decision: 'REFUSE'; readonly code: LedgerClosingRefusalCode; readonly message: string };

/** The custody states whose bank keeps a custody account for the ledger (F-3.1, F-3.3): only they can be closed. */
const LINKED = ['DESIGNATED', 'PRE_DESIGNATED'];

/**
 * Whether the ledger may be closed for the function (domain.md F-3.8: only with zero balance, nothing held or frozen,
 * no transfer in flight). It must be linked to the bank the function is sent to, not closed for another function,
 * and its relationship not frozen or lost (11011: RELATIONSHIP_FROZEN, as transfers are refused). A cancellation's
 * refusal names every reason that holds, so the customer learns at once what to settle first.
 */
export function closingDecision(request: Pick<LedgerClosingRequest, 'functionId' | 'bankCode' | 'fundAccountNo' | 'currency' | 'purpose'>, facts: ClosingFacts): ClosingDecision {
  const { ledger } = facts;
  const which = `fund account ${request.fundAccountNo} in ${request.currency}`;
  if (!ledger || !LINKED.includes(ledger.custodyStatus) || ledger.bankCode !== request.bankCode) {
    return { decision: 'REFUSE', code: 'RELATIONSHIP_NOT_ACTIVE', message: `${which} has no relationship with bank ${request.bankCode} on the ledger` };
  }
  if (ledger.closedFor !== null && ledger.closedFor !== request.functionId) {
    return { decision: 'REFUSE', code: 'RELATIONSHIP_CHANGING', message: `${which} is closed for another change of its relationship, which the bank has not answered yet` };
  }
  if (ledger.accountStatus !== 'NORMAL') {
    return { decision: 'REFUSE', code: 'RELATIONSHIP_FROZEN', message: `${which} is ${ledger.accountStatus} at bank ${request.bankCode} (11011): the bank sets it normal first` };
  }
  const reasons = leftOnTheLedger(request.purpose, ledger.balance, facts);
  if (reasons.length > 0) {
    return { decision: 'REFUSE', code: 'CANCELLATION_REFUSED', message: `${which} cannot be cancelled: ${reasons.join('; ')} (domain.md F-3.8: the customer withdraws everything first)` };
  }
  return { decision: 'CLOSE', balance: ledger.balance };
}

/** What keeps a cancellation from closing the ledger, in the words its `detail` gives: in flight, hold, balance. */
function leftOnTheLedger(purpose: LedgerClosingPurpose, balance: Money, facts: ClosingFacts): string[] {
  switch (purpose) {
    case 'CANCELLATION': {
      const reasons: string[] = [];
      if (facts.transfersInFlight > 0) reasons.push(`${facts.transfersInFlight} transfer(s) in flight`);
      if (!facts.tradingHeld.isZero()) reasons.push(`a hold of ${facts.tradingHeld.toString()}`);
      if (!balance.isZero()) reasons.push(`a balance of ${balance.toString()}`);
      return reasons;
    }
  }
}
