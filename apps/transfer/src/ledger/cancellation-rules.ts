import type { RelationshipAccountStatus } from '@custody/contracts';
import type { Money } from '@custody/money';

/**
 * F-3.8 (domain.md §3): a custody relationship is cancelled only with a ledger that holds nothing and owes nothing —
 * zero balance, nothing held or frozen, no transfer in flight (the customer withdraws everything first) — and whose
 * relationship is not frozen or reported lost (11011: its bank lifts that first). This is the one list of what holds
 * a ledger open, in the order it stands in the customer's way: a frozen relationship moves nothing; a balance can be
 * withdrawn only once no transfer is in flight and no hold reserves it. Each side answers with its own codes:
 *
 * | what | the bank's 11004 (B) | the broker's cancellation (S, api.md) |
 * |---|---|---|
 * | the relationship frozen or reported lost (11011) | 2010 资金账户状态不正常, as its transfers and an 11006 are refused | `RELATIONSHIP_FROZEN` |
 * | a transfer of the ledger still PENDING or UNKNOWN | 5318 该股东有未回资金: money sent that has not come back as an outcome | `CANCELLATION_REFUSED` |
 * | an active trading hold (what GET …/balances shows as `frozen`) | 5317 该股东有冻结资金 | `CANCELLATION_REFUSED` |
 * | a balance | 5316 该股东有资金余额 (never below zero: the ledger's CHECK holds balance ≥ held ≥ 0) | `CANCELLATION_REFUSED` |
 *
 * The bank gets the first obstacle, the most specific §7.23 code (the profile's 2038 names the last three at once).
 * The broker's caller gets every obstacle the ledger has in one `detail`, so the customer learns at once what to
 * settle. A withdrawal's hold is its transfer in flight, named once as that.
 */
export type CancellationObstacle = 'RELATIONSHIP_FROZEN' | 'TRANSFER_IN_FLIGHT' | 'HELD' | 'BALANCE';

/** What the ledger holds, read under its row lock (a transfer placing a hold or starting waits for it). */
export interface LedgerCancellationFacts {
  readonly accountStatus: RelationshipAccountStatus;
  /** Transfers of this ledger (fund account and currency) still PENDING or UNKNOWN, a withdrawal's hold among them. */
  readonly transfersInFlight: number;
  /** What the trading systems hold on it for orders (`POST …/holds`). */
  readonly tradingHeld: Money;
  readonly balance: Money;
}

export interface Obstacle {
  readonly obstacle: CancellationObstacle;
  /** In the words a refusal's detail gives. */
  readonly detail: string;
}

/** F-3.8: everything that holds the ledger open, first in the customer's way first; none: it may close. */
export function cancellationObstacles(facts: LedgerCancellationFacts): Obstacle[] {
  const obstacles: Obstacle[] = [];
  if (facts.accountStatus !== 'NORMAL') obstacles.push({ obstacle: 'RELATIONSHIP_FROZEN', detail: `the relationship is ${facts.accountStatus}: its bank lifts that first (11011)` });
  if (facts.transfersInFlight > 0) obstacles.push({ obstacle: 'TRANSFER_IN_FLIGHT', detail: `${facts.transfersInFlight} transfer(s) in flight` });
  if (!facts.tradingHeld.isZero()) obstacles.push({ obstacle: 'HELD', detail: `a hold of ${facts.tradingHeld.toString()}` });
  if (!facts.balance.isZero()) obstacles.push({ obstacle: 'BALANCE', detail: `a balance of ${facts.balance.toString()}` });
  return obstacles;
}

/** The broker's code for each obstacle in answer to a bank's 11004 (bank-protocol.md §4.1 "11004", JR/T 0046 §7.23). */
export const BANK_CANCELLATION_REFUSAL_CODES = {
  RELATIONSHIP_FROZEN: '2010',
  TRANSFER_IN_FLIGHT: '5318',
  HELD: '5317',
  BALANCE: '5316',
} as const satisfies Record<CancellationObstacle, string>;

export type BankCancellationLedgerVerdict =
  | { readonly allowed: true }
  | { readonly allowed: false; readonly obstacle: CancellationObstacle; readonly code: (typeof BANK_CANCELLATION_REFUSAL_CODES)[CancellationObstacle]; readonly detail: string };

/** F-3.8 B: whether the ledger may close on the bank's 11004, or the code of the first thing that holds it open. */
export function bankCancellationLedgerVerdict(facts: LedgerCancellationFacts): BankCancellationLedgerVerdict {
  const [first] = cancellationObstacles(facts);
  return first ? { allowed: false, obstacle: first.obstacle, code: BANK_CANCELLATION_REFUSAL_CODES[first.obstacle], detail: first.detail } : { allowed: true };
}

/**
 * F-3.6 S: why the ledger may not close for a change of custodian bank, or undefined: it may. The same list but the
 * balance, which is what the change moves: a frozen relationship moves nothing (RELATIONSHIP_FROZEN), and a hold (an
 * order not yet settled) or a transfer in flight would be left behind at the old bank (BANK_CHANGE_REFUSED).
 */
export function brokerBankChangeRefusal(facts: LedgerCancellationFacts): { readonly code: 'RELATIONSHIP_FROZEN' | 'BANK_CHANGE_REFUSED'; readonly detail: string } | undefined {
  const obstacles = cancellationObstacles(facts).filter((o) => o.obstacle !== 'BALANCE');
  const frozen = obstacles.find((o) => o.obstacle === 'RELATIONSHIP_FROZEN');
  if (frozen) return { code: 'RELATIONSHIP_FROZEN', detail: frozen.detail };
  if (obstacles.length === 0) return undefined;
  return { code: 'BANK_CHANGE_REFUSED', detail: obstacles.map((o) => o.detail).join('; ') };
}

/** F-3.8 S: why the ledger may not close for the broker's cancellation (api.md codes), or undefined: it may. */
export function brokerCancellationRefusal(facts: LedgerCancellationFacts): { readonly code: 'RELATIONSHIP_FROZEN' | 'CANCELLATION_REFUSED'; readonly detail: string } | undefined {
  const obstacles = cancellationObstacles(facts);
  const frozen = obstacles.find((o) => o.obstacle === 'RELATIONSHIP_FROZEN');
  if (frozen) return { code: 'RELATIONSHIP_FROZEN', detail: frozen.detail };
  if (obstacles.length === 0) return undefined;
  return { code: 'CANCELLATION_REFUSED', detail: obstacles.map((o) => o.detail).join('; ') };
}
