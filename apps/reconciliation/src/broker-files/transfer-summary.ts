import type { TransferSummary } from '@custody/contracts';
import { Money } from '@custody/money';

/** One function code's records of a CHK01: how many and their total. */
export interface FunctionTotal {
  readonly functionCode: string;
  readonly count: number;
  readonly amount: Money;
}

/**
 * The 13010 figures of a CHK01 (bank-protocol.md §7 step 4): deposits = 12001 + 12003 records,
 * `depositAmount` = Σ 12001 − Σ 12003; withdrawals = 12002 + 12004 records, `withdrawalAmount` = Σ 12002 − Σ 12004.
 */
export function transferSummaryOf(totals: readonly FunctionTotal[]): TransferSummary {
  const of = (code: string) => totals.find((t) => t.functionCode === code) ?? { functionCode: code, count: 0, amount: Money.zero() };
  const [deposit, depositReversal, withdrawal, withdrawalReversal] = ['12001', '12003', '12002', '12004'].map(of);
  return {
    depositCount: deposit.count + depositReversal.count,
    depositAmount: deposit.amount.minus(depositReversal.amount),
    withdrawalCount: withdrawal.count + withdrawalReversal.count,
    withdrawalAmount: withdrawal.amount.minus(withdrawalReversal.amount),
  };
}
