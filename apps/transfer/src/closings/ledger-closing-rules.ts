import type { LedgerClosingPurpose, LedgerClosingRefusalCode, LedgerClosingRequest, RelationshipAccountStatus } from '@custody/contracts';
import type { Money } from '@custody/money';
import { brokerBankChangeRefusal, brokerCancellationRefusal, type LedgerCancellationFacts } from '../ledger/cancellation-rules';

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
 * Whether the ledger may be closed for the function: it must be linked to the bank the function is sent to and not
 * closed for another function; then what holds it open is F-3.8's one list (ledger/cancellation-rules.ts): a frozen
 * or lost relationship (RELATIONSHIP_FROZEN, as transfers are refused), else every obstacle in one
 * CANCELLATION_REFUSED, so the customer learns at once what to settle first.
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
  const refusal = cancellationRefusalFor(request.purpose, { accountStatus: ledger.accountStatus, transfersInFlight: facts.transfersInFlight, tradingHeld: facts.tradingHeld, balance: ledger.balance });
  if (refusal?.code === 'RELATIONSHIP_FROZEN') {
    return { decision: 'REFUSE', code: 'RELATIONSHIP_FROZEN', message: `${which} is ${ledger.accountStatus} at bank ${request.bankCode} (11011): the bank sets it normal first` };
  }
  if (refusal) return { decision: 'REFUSE', code: refusal.code, message: `${which} ${WHY_NOT[request.purpose]}: ${refusal.detail} (${WHAT_FIRST[request.purpose]})` };
  return { decision: 'CLOSE', balance: ledger.balance };
}

/** What keeps the ledger from closing for the purpose (ledger/cancellation-rules.ts: one list, read per function). */
function cancellationRefusalFor(purpose: LedgerClosingPurpose, facts: LedgerCancellationFacts): { readonly code: LedgerClosingRefusalCode; readonly detail: string } | undefined {
  switch (purpose) {
    case 'CANCELLATION':
      return brokerCancellationRefusal(facts);
    case 'BANK_CHANGE':
      return brokerBankChangeRefusal(facts);
  }
}

const WHY_NOT: Record<LedgerClosingPurpose, string> = { CANCELLATION: 'cannot be cancelled', BANK_CHANGE: 'cannot change its custodian bank' };
const WHAT_FIRST: Record<LedgerClosingPurpose, string> = {
  CANCELLATION: 'domain.md F-3.8: the customer withdraws everything first',
  BANK_CHANGE: 'domain.md F-3.6: its orders settle and its transfers end first',
};
