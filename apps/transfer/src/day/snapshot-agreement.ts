import type { TransferStatus } from '../transfers/transfer.entity';

/** A transfer of a bank's day as the books hold it now, for comparing them with the day's snapshot. */
export interface TransferStanding {
  readonly transferId: string;
  readonly status: TransferStatus;
  /** The RESOLVE_UNKNOWN adjustment that ended it, if one did. */
  readonly resolvedByAdjustment: string | null;
}

export type SnapshotAgreement = { readonly agrees: true } | { readonly agrees: false; readonly why: string };

/** Named in a refusal: enough for an operator to look, not a list of thousands. */
const NAMED = 5;

/**
 * bank-protocol.md §7 step 3 and §5 ("what a side lists for D is a snapshot taken when 13011 is answered"): whether
 * the broker's books of (bank, D) are that snapshot yet, so that its files list exactly it. The saga's ENDED
 * snapshot names the transfers it still held open (each told UNKNOWN); every other transfer of the day has had its
 * last outcome, which may still be on its way here. The books agree when
 * - the snapshot has arrived,
 * - every transfer it names is UNKNOWN here — or was resolved since by its RESOLVE_UNKNOWN adjustment, which is
 *   reconciliation's own doing and changes nothing the files of D list — and
 * - no other transfer of the day is PENDING or UNKNOWN.
 * `standings` holds every named transfer and every PENDING or UNKNOWN one of the day.
 */
export function snapshotAgreement(snapshot: readonly string[] | undefined, standings: readonly TransferStanding[]): SnapshotAgreement {
  if (snapshot === undefined) return { agrees: false, why: "the day's ENDED snapshot (13011 answered) has not reached the transfer service yet" };
  const named = new Set(snapshot);
  const byId = new Map(standings.map((t) => [t.transferId, t]));
  const problems: string[] = [];
  for (const transferId of snapshot) {
    const transfer = byId.get(transferId);
    if (!transfer) problems.push(`${transferId} (in the snapshot) is not a transfer of this day here`);
    else if (transfer.status !== 'UNKNOWN' && transfer.resolvedByAdjustment === null) problems.push(`${transferId} is ${transfer.status} here, UNKNOWN in the snapshot`);
  }
  for (const transfer of standings) {
    if (!named.has(transfer.transferId) && (transfer.status === 'PENDING' || transfer.status === 'UNKNOWN')) {
      problems.push(`${transfer.transferId} is ${transfer.status} here, settled in the snapshot (its outcome is not applied yet)`);
    }
  }
  if (problems.length === 0) return { agrees: true };
  const more = problems.length > NAMED ? ` and ${problems.length - NAMED} more` : '';
  return { agrees: false, why: `the books do not match the day's snapshot yet: ${problems.slice(0, NAMED).join('; ')}${more}` };
}
