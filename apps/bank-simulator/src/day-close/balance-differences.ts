import { cashExFlagFor, type Chk04Record, DIF04_REMARKS, type Dif04Record } from '@custody/bank-protocol';
import { type Currency, Money } from '@custody/money';
import type { DayParties } from './bank-snapshot';

/**
 * The bank's DIF04 (bank-protocol.md §5, table A.7): the broker's S_CHK04 (every fund ledger's balance) against
 * the bank's custody accounts. Only differences are listed: a balance that differs (`余额不符`), an account the
 * bank lacks (`银行方无此账户`, its amount 0, no name), an account the broker lacks (`证券方无此账户`, the broker's
 * amount 0) — except one whose balance is zero, which the broker may leave out (a dormant account, F-12.3).
 */

/** One custody account as the bank holds it now, with the holder's name (DIF04's 客户名称 is the bank's record). */
export interface CustodyBalance {
  readonly fundAccountNo: string;
  readonly currency: Currency;
  readonly balance: Money;
  readonly customerName: string;
}

export interface BalanceComparison {
  readonly parties: DayParties;
  /** D: the date the broker's CHK04 is of (DIF04's 日期). */
  readonly businessDate: string;
}

function keyOf(fundAccountNo: string, currency: Currency): string {
  return `${fundAccountNo}:${currency}`;
}

export async function* balanceDifferences(
  broker: Iterable<Chk04Record> | AsyncIterable<Chk04Record>,
  custody: readonly CustodyBalance[],
  { parties, businessDate }: BalanceComparison,
): AsyncGenerator<Dif04Record> {
  const unmatched = new Map(custody.map((account) => [keyOf(account.fundAccountNo, account.currency), account] as const));
  for await (const ledger of broker) {
    const key = keyOf(ledger.fundAccountNo, ledger.currency);
    const account = unmatched.get(key);
    unmatched.delete(key);
    const line = { ...parties, branchId: ledger.branchId, date: businessDate, currency: ledger.currency, cashExFlag: cashExFlagFor(ledger.currency), fundAccountNo: ledger.fundAccountNo };
    if (!account) {
      yield { ...line, customerName: null, brokerAmount: ledger.amount, bankAmount: Money.zero(), remark: DIF04_REMARKS.NO_BANK_ACCOUNT };
    } else if (!account.balance.equals(ledger.amount)) {
      yield { ...line, customerName: account.customerName, brokerAmount: ledger.amount, bankAmount: account.balance, remark: DIF04_REMARKS.BALANCE_DIFFERS };
    }
  }
  for (const account of unmatched.values()) {
    if (account.balance.isZero()) continue;
    yield {
      ...parties,
      branchId: null,
      date: businessDate,
      currency: account.currency,
      cashExFlag: cashExFlagFor(account.currency),
      fundAccountNo: account.fundAccountNo,
      customerName: account.customerName,
      brokerAmount: Money.zero(),
      bankAmount: account.balance,
      remark: DIF04_REMARKS.NO_BROKER_ACCOUNT,
    };
  }
}
