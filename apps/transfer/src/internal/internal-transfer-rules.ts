import { DomainError } from '@custody/service-kit';
import { assertNotClosed, assertNotFrozen } from '../ledger/account-status-rules';
import type { LedgerAccount } from '../ledger/ledger-account.entity';

/**
 * The broker's books of money awaiting the day's inter-bank settlement at one bank's summary account
 * (F-4.7, domain.md §9). An internal transfer moves a customer's money between fund accounts at two banks at
 * once, but the cash stays in the source bank's summary account until the day's settlement moves it. So a
 * transfer of `a` from a fund account at bank X to one at bank Y posts, in one balanced posting (I5):
 *
 *   CUSTOMER:source −a   CUSTOMER:target +a   INTERBANK:X +a   INTERBANK:Y −a
 *
 * and SUMMARY:X / SUMMARY:Y (moveWithBank: the money each bank holds for us) do not change. Per bank B the
 * journal keeps Σ CUSTOMER lines of B's fund accounts + SUMMARY:B + INTERBANK:B = 0, so until the day's
 * settlement posts the instruction (SUMMARY and INTERBANK lines back to zero), B's fund ledgers differ from
 * what B's summary account holds by exactly −INTERBANK:B, and each custody account at B differs from its fund
 * ledger (I3) by the internal transfers of the day, which the day's customer settlement files (F-8.1) carry.
 */
export const interbankAccount = (bankCode: string) => `INTERBANK:${bankCode}`;

/**
 * domain.md §13: only between the primary and an auxiliary fund account of one customer, in one currency,
 * either direction, never between two auxiliaries; both must be designated (each at its own bank), neither frozen
 * nor closed while its relationship changes (F-3.8).
 */
export function assertInternalTransferAllowed(source: LedgerAccount, target: LedgerAccount): void {
  if (source.customerNo !== target.customerNo) {
    throw new DomainError('VALIDATION_FAILED', `fund accounts ${source.fundAccountNo} and ${target.fundAccountNo} belong to different customers`, { field: 'counterpartFundAccountNo' });
  }
  if (source.role === 'AUXILIARY' && target.role === 'AUXILIARY') {
    throw new DomainError('AUXILIARY_TO_AUXILIARY_FORBIDDEN', `${source.fundAccountNo} and ${target.fundAccountNo} are both auxiliary fund accounts; money moves only to or from the primary`);
  }
  for (const account of [source, target]) {
    if (account.custodyStatus !== 'DESIGNATED' || !account.bankCode) {
      throw new DomainError('RELATIONSHIP_NOT_ACTIVE', `fund account ${account.fundAccountNo} has no designated custodian bank in ${account.currency}`);
    }
    assertNotFrozen(account);
    assertNotClosed(account);
  }
}
