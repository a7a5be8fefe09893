import type { RelationshipAccountStatus } from '@custody/contracts';
import type { LedgerFigures } from './ledger-rules';

/**
 * F-3.8 (domain.md §3): a custody relationship is cancelled only with a ledger that holds nothing and owes nothing —
 * zero balance, nothing held or frozen, no transfer in flight (the customer withdraws everything first). What holds
 * a ledger open, and the bank return code the broker answers a bank's 11004 with (bank-protocol.md §4.1 "11004"): the
 * profile's 2038 (当天有业务发生,不允许销户) covers a balance, a hold and a transfer in flight at once, and JR/T 0046
 * §7.23 names each more precisely, so each gets its own code, the most specific one:
 *
 * | what | code |
 * |---|---|
 * | the relationship frozen or reported lost (11011) | 2010 资金账户状态不正常, as its transfers and an 11006 are refused |
 * | a transfer of the ledger still PENDING or UNKNOWN | 5318 该股东有未回资金: money sent that has not come back as an outcome |
 * | an active hold (a trading hold: what GET …/balances shows as `frozen`) | 5317 该股东有冻结资金 |
 * | a balance | 5316 该股东有资金余额 (never below zero: the ledger's CHECK holds balance ≥ held ≥ 0) |
 *
 * In that order: the first thing in the customer's way is named — a balance can be withdrawn only once no transfer
 * is in flight and no hold reserves it, and a frozen relationship moves nothing until its bank lifts the status. The
 * API of a broker-started cancellation says the same as `CANCELLATION_REFUSED` with `detail` (api.md).
 */
export const CANCELLATION_REFUSAL_CODES = {
  RELATIONSHIP_FROZEN: '2010',
  TRANSFER_IN_FLIGHT: '5318',
  HELD: '5317',
  BALANCE: '5316',
} as const;

export type CancellationObstacle = keyof typeof CANCELLATION_REFUSAL_CODES;

/** What the ledger holds, read under its row lock (a transfer placing a hold or starting waits for it). */
export interface LedgerCancellationFacts {
  readonly figures: LedgerFigures;
  readonly accountStatus: RelationshipAccountStatus;
  /** Transfers of this ledger (fund account and currency) still PENDING or UNKNOWN. */
  readonly transfersInFlight: number;
}

export type CancellationVerdict =
  | { readonly allowed: true }
  | { readonly allowed: false; readonly obstacle: CancellationObstacle; readonly code: (typeof CANCELLATION_REFUSAL_CODES)[CancellationObstacle]; readonly detail: string };

function refused(obstacle: CancellationObstacle, detail: string): CancellationVerdict {
  return { allowed: false, obstacle, code: CANCELLATION_REFUSAL_CODES[obstacle], detail };
}

/** F-3.8: whether the ledger may close, or the first thing that holds it open. */
export function cancellationVerdict(facts: LedgerCancellationFacts): CancellationVerdict {
  const { balance, held } = facts.figures;
  if (facts.accountStatus !== 'NORMAL') return refused('RELATIONSHIP_FROZEN', `the relationship is ${facts.accountStatus}: its bank lifts that first (11011)`);
  if (facts.transfersInFlight > 0) return refused('TRANSFER_IN_FLIGHT', `${facts.transfersInFlight} transfer(s) still in flight`);
  if (!held.isZero()) return refused('HELD', `${held.toString()} held`);
  if (!balance.isZero()) return refused('BALANCE', `balance ${balance.toString()}: the customer withdraws it first`);
  return { allowed: true };
}
