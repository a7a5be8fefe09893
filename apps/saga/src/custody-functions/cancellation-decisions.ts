import type { Failure } from '@custody/contracts';
import type { Completion } from '../engine/saga-flow';
import { isDefiniteRefusal } from '../transfer/bank-refusals';
import { retryDelayMs, SUCCESS } from '../transfer/transfer-decisions';

/** The 11004 as first sent, or sent again with its serial. */
export type CancellationCallPurpose = 'ORIGINAL' | 'RESEND';

export type CancellationDecision =
  | { readonly outcome: 'CANCELLED' }
  /** Definite: the bank did not close the custody account; the ledger opens again before the caller is told. */
  | { readonly outcome: 'REFUSED'; readonly failure: Failure }
  | { readonly outcome: 'UNKNOWN'; readonly next: { readonly purpose: 'RESEND'; readonly delayMs: number } };

/**
 * F-3.8 S after an 11004 call. Only the bank's answer ends it: 0000 cancels; a code that proves the bank refused (its
 * 5316/5317/5318 among them) fails it; anything else — no reply, a host error — sends the same request again with the
 * same serial (the bank processes a `Ref` once and returns its first reply), for as long as it takes. Never guessed:
 * the ledger stays closed meanwhile. Only a first send that never left (NOT_SENT) proves nothing reached the bank.
 */
export function decideCancellation(purpose: CancellationCallPurpose, completion: Completion, attempt: number): CancellationDecision {
  const resend = { outcome: 'UNKNOWN', next: { purpose: 'RESEND', delayMs: retryDelayMs(attempt) } } as const;
  if (completion.outcome === 'NOT_SENT' && purpose === 'ORIGINAL') {
    return { outcome: 'REFUSED', failure: { code: 'BANK_UNAVAILABLE', message: completion.reason ?? 'the bank cannot be reached; nothing was sent' } };
  }
  if (completion.outcome !== 'REPLIED') return resend;
  if (completion.returnCode === SUCCESS) return { outcome: 'CANCELLED' };
  if (!isDefiniteRefusal(completion.returnCode)) return resend;
  return {
    outcome: 'REFUSED',
    failure: { code: 'BANK_REJECTED', ...(completion.returnCode ? { bankReturnCode: completion.returnCode } : {}), message: completion.returnMessage ?? 'rejected by the bank' },
  };
}
