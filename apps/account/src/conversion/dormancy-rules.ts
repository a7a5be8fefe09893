import type { Money } from '@custody/money';
import { addDays } from '@custody/service-kit';
import type { RelationshipStatus } from '../custody/custody-relationship.entity';

/**
 * F-12.3 睡眠客户: a pre-designated relationship whose fund ledger holds nothing and that saw no activity for
 * `dormantAfterDays` is DORMANT, until a designation (the bank's confirmation, F-3.2) wakes it.
 *
 * Only a PRE_DESIGNATED relationship is judged: "reactivation is a designation" fits the one state whose next step is
 * a designation. A designated relationship has none left to take (the bank refuses 11001 on it, 5201), so marking it
 * would leave it asleep for ever; a fund account with no relationship is in no day file, so there is nothing to
 * leave it out of.
 */

/** The last day of activity that still leaves a relationship idle at `asOf`: activity after it keeps it awake. */
export function dormancyCutoff(asOf: string, dormantAfterDays: number): string {
  return addDays(asOf, -dormantAfterDays);
}

/** The account service's side: the relationship now, and the business date of its last account function (its 11002 at least). */
export interface RelationshipActivity {
  readonly status: RelationshipStatus;
  readonly dormantSince: string | null;
  readonly lastFunctionDate: string | null;
}

/** The transfer service's side: the fund ledger's facts as `ledger.activity-reported` carried them. */
export interface LedgerActivity {
  readonly found: boolean;
  readonly balance?: Money;
  readonly held?: Money;
  readonly lastMovementDate?: string | null;
}

export type DormancyOutcome = 'DORMANT' | 'ACTIVE' | 'SKIPPED';

/** DORMANT: mark it; ACTIVE: awake by the rule; SKIPPED: no longer a relationship the rule applies to. */
export interface DormancyVerdict {
  readonly outcome: DormancyOutcome;
  readonly why?: string;
}

export function dormancyVerdict(relationship: RelationshipActivity, ledger: LedgerActivity, cutoff: string): DormancyVerdict {
  if (relationship.status !== 'PRE_DESIGNATED') return { outcome: 'SKIPPED', why: `the relationship is ${relationship.status} now` };
  if (relationship.dormantSince !== null) return { outcome: 'SKIPPED', why: `dormant since ${relationship.dormantSince} already` };
  if (!ledger.found || !ledger.balance || !ledger.held) return { outcome: 'SKIPPED', why: 'the transfer service holds no ledger of it at that bank' };
  if (!ledger.balance.isZero()) return { outcome: 'ACTIVE', why: `the fund ledger holds ${ledger.balance.toString()}` };
  if (!ledger.held.isZero()) return { outcome: 'ACTIVE', why: `${ledger.held.toString()} of the fund ledger is held` };
  if (ledger.lastMovementDate && ledger.lastMovementDate > cutoff) return { outcome: 'ACTIVE', why: `the fund ledger moved on ${ledger.lastMovementDate}` };
  if (relationship.lastFunctionDate && relationship.lastFunctionDate > cutoff) {
    return { outcome: 'ACTIVE', why: `an account function on ${relationship.lastFunctionDate}` };
  }
  return { outcome: 'DORMANT' };
}
