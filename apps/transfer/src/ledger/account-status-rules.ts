import { DomainError } from '@custody/service-kit';
import type { LedgerAccount } from './ledger-account.entity';

/** bank-protocol.md §4.1 "11011": a frozen or lost relationship moves no money until its bank sets it normal again. */
export function assertNotFrozen(account: LedgerAccount): void {
  if (account.accountStatus !== 'NORMAL') {
    throw new DomainError(
      'RELATIONSHIP_FROZEN',
      `fund account ${account.fundAccountNo}'s relationship with bank ${account.bankCode} is ${account.accountStatus} in ${account.currency}: no transfer until the bank sets it normal (11011)`,
    );
  }
}
