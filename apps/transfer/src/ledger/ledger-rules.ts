import { Money } from '@custody/money';

export interface LedgerFigures {
  balance: Money;
  held: Money;
}

export interface BalanceView {
  currency: string;
  balance: string;
  available: string;
  withdrawable: string;
  frozen: string;
}

/** Balance less every active hold; also what a reversal of a credit may take back (F-4.3 B). */
export function available(figures: LedgerFigures): Money {
  return figures.balance.minus(figures.held);
}

/** What a fund ledger shows its customer: GET /v1/fund-accounts/{no}/balances and the bank's 11008 (F-3.9 B). */
export interface LedgerBalances {
  balance: Money;
  available: Money;
  withdrawable: Money;
}

/**
 * Available = balance less every active hold (trading holds and withdrawals in transit).
 * Withdrawable (I7) = available less funds committed to unsettled purchases; clearing (§9) brings those,
 * so until then withdrawable equals available.
 */
export function ledgerBalances(figures: LedgerFigures): LedgerBalances {
  const free = available(figures);
  return { balance: figures.balance, available: free, withdrawable: free };
}

export function balanceView(currency: string, figures: LedgerFigures): BalanceView {
  const shown = ledgerBalances(figures);
  return {
    currency,
    balance: shown.balance.toString(),
    available: shown.available.toString(),
    withdrawable: shown.withdrawable.toString(),
    frozen: figures.held.toString(),
  };
}

/** I7: a securities→bank transfer or a hold may take only what is available and withdrawable. */
export function canTake(figures: LedgerFigures, amount: Money): boolean {
  return !available(figures).lessThan(amount);
}

/**
 * What a posting comes from (api.md: a statement movement's `source`). Clearing (§9) and interest (§7) post
 * later issues' movements; the list is complete now so that statements and their OpenAPI enum never change shape.
 */
export const POSTING_SOURCES = ['TRANSFER', 'ADJUSTMENT', 'CLEARING', 'INTEREST'] as const;
/**
 * BANK_CHANGE (F-3.6) moves money between two banks' summary accounts only, never a fund ledger: no statement lists
 * it, so it is no statement movement's source.
 */
export type PostingSourceKind = (typeof POSTING_SOURCES)[number] | 'BANK_CHANGE';

/** A journal posting: lines that sum to zero (I5). */
export interface PostingLine {
  account: string;
  fundAccountNo: string | null;
  amount: Money;
}

export function assertBalanced(lines: PostingLine[]): void {
  if (lines.length < 2 || !Money.sum(lines.map((l) => l.amount)).isZero()) {
    throw new Error(`unbalanced posting: ${lines.map((l) => `${l.account} ${l.amount.toString()}`).join(', ')}`);
  }
}

export const customerAccount = (fundAccountNo: string) => `CUSTOMER:${fundAccountNo}`;
/** The broker's claim on a bank's summary account (客户交易结算资金汇总账户) for its customers' money. */
export const summaryAccount = (bankCode: string) => `SUMMARY:${bankCode}`;
