import { DomainError } from '@custody/service-kit';
import type { FundAccount, FundAccountRole } from './fund-account.entity';

/** domain.md §13: up to 5 fund accounts per customer in a currency, each at a different bank. */
export const MAX_FUND_ACCOUNTS_PER_CURRENCY = 5;

type Sibling = Pick<FundAccount, 'fundAccountNo' | 'currency' | 'role'>;
type Opening = Pick<FundAccount, 'fundAccountNo' | 'customerNo' | 'currency' | 'role' | 'branchId'>;

/**
 * api.md `POST /v1/fund-accounts`: the same number in another currency opens that currency of the fund account, with
 * the same customer, role and branch. `sameNumber` is every currency the number is opened in so far (none for a new
 * number): a currency opened already, or a number of another customer, is ALREADY_EXISTS; another role or branch is
 * VALIDATION_FAILED, naming what the account has. While a change of the customer's primary is `pending` the role is
 * being decided (by the transfer service, then here): the currency waits for it (PRIMARY_CHANGE_UNDER_WAY), or it
 * would be opened with the role the change is replacing.
 */
export function assertCurrencyOpening(
  sameNumber: readonly Pick<FundAccount, 'currency' | 'customerNo' | 'role' | 'branchId'>[],
  opening: Opening,
  pending: { fundAccountNo: string } | null,
): void {
  const [account] = sameNumber;
  if (!account) return;
  if (sameNumber.some((a) => a.currency === opening.currency)) {
    throw new DomainError('ALREADY_EXISTS', `fund account ${opening.fundAccountNo} is already opened in ${opening.currency}`);
  }
  if (account.customerNo !== opening.customerNo) throw new DomainError('ALREADY_EXISTS', `fund account ${opening.fundAccountNo} belongs to another customer`);
  if (account.role !== opening.role || account.branchId !== opening.branchId) {
    throw new DomainError('VALIDATION_FAILED', `fund account ${opening.fundAccountNo} is ${account.role} at branch ${account.branchId}: another currency of it opens with the same role and branch (api.md)`);
  }
  if (pending) {
    throw new DomainError('PRIMARY_CHANGE_UNDER_WAY', `a change of customer ${opening.customerNo}'s primary fund account to ${pending.fundAccountNo} is under way; open the currency once it has ended`);
  }
}

/**
 * domain.md §13, for a fund account (or another currency of one) the customer opens beside `siblings` (all the
 * customer's fund accounts, every currency): at most five in its currency; exactly one primary per customer, so a
 * PRIMARY of another number than the primary's is refused (the primary moves with make-primary) and an AUXILIARY needs
 * the primary first.
 */
export function assertOpeningAllowed(siblings: readonly Sibling[], opening: Pick<Opening, 'fundAccountNo' | 'customerNo' | 'currency' | 'role'>): void {
  if (siblings.filter((a) => a.currency === opening.currency).length >= MAX_FUND_ACCOUNTS_PER_CURRENCY) {
    throw new DomainError('FUND_ACCOUNT_LIMIT_REACHED', `customer ${opening.customerNo} already has ${MAX_FUND_ACCOUNTS_PER_CURRENCY} ${opening.currency} fund accounts (domain.md §13)`);
  }
  const primary = primaryOf(siblings);
  if (opening.role === 'PRIMARY' && primary && primary.fundAccountNo !== opening.fundAccountNo) {
    throw new DomainError('PRIMARY_EXISTS', `customer ${opening.customerNo} already has primary fund account ${primary.fundAccountNo}; make-primary moves the role (domain.md §13)`);
  }
  if (opening.role === 'AUXILIARY' && !primary) {
    throw new DomainError('VALIDATION_FAILED', `an auxiliary fund account needs the customer's primary fund account first (domain.md §13)`);
  }
}

export function primaryOf<T extends { role: FundAccountRole }>(accounts: readonly T[]): T | undefined {
  return accounts.find((a) => a.role === 'PRIMARY');
}

/**
 * domain.md §13, `make-primary` of `target`: one change of a customer's primary at a time (the one under way
 * decides which account is primary, so even "already primary" waits for it); making the primary primary again
 * changes nothing (`NOTHING_TO_CHANGE`); otherwise the change goes to the transfer service, which alone can tell
 * whether the old primary still has unsettled trading.
 */
export function primaryChangeStart(
  target: Pick<FundAccount, 'fundAccountNo' | 'customerNo'>,
  primary: Pick<FundAccount, 'fundAccountNo'>,
  pending: { fundAccountNo: string } | null,
): 'NOTHING_TO_CHANGE' | 'ASK_TRANSFER' {
  if (pending) {
    throw new DomainError('PRIMARY_CHANGE_REFUSED', `a change of customer ${target.customerNo}'s primary fund account to ${pending.fundAccountNo} is under way; ask again once it has ended`);
  }
  return primary.fundAccountNo === target.fundAccountNo ? 'NOTHING_TO_CHANGE' : 'ASK_TRANSFER';
}
