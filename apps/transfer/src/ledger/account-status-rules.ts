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

/**
 * domain.md F-3.8 (and F-3.6): while a function changing the relationship waits for the bank (its 11004), the ledger
 * is closed: a transfer or hold slipping in between the ledger's checks and the bank's answer would leave money on a
 * custody account the bank closes.
 */
export function assertNotClosed(account: LedgerAccount): void {
  if (account.closedFor !== null) {
    throw new DomainError(
      'RELATIONSHIP_CHANGING',
      `fund account ${account.fundAccountNo}'s relationship with bank ${account.bankCode} in ${account.currency} is being cancelled: no transfer or hold until the bank has answered (F-3.8)`,
    );
  }
}
