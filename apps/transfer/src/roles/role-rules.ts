import { DomainError } from '@custody/service-kit';
import type { LedgerAccount } from '../ledger/ledger-account.entity';

/** domain.md §13: an auxiliary fund account does not trade, so it takes no trading hold (cash reserved for orders). */
export function assertTradingHoldAllowed(account: Pick<LedgerAccount, 'fundAccountNo' | 'role'>): void {
  if (account.role === 'AUXILIARY') {
    throw new DomainError('AUXILIARY_HOLD_FORBIDDEN', `fund account ${account.fundAccountNo} is auxiliary: only the customer's primary fund account trades (domain.md §13)`);
  }
}

/**
 * domain.md §13: the primary moves only while the old primary has no unsettled trading, that is no active trading
 * hold (cash held for an order not yet settled). A withdrawal's hold does not count: a bank transfer in flight is
 * not trading, and an auxiliary makes bank transfers too. Returns why the change is refused, or null.
 */
export function primaryChangeRefusal(previousPrimaryFundAccountNo: string, activeTradingHolds: number): string | null {
  if (activeTradingHolds === 0) return null;
  return `fund account ${previousPrimaryFundAccountNo} has unsettled trading: ${activeTradingHolds} active trading hold(s); release or settle them first (domain.md §13)`;
}
