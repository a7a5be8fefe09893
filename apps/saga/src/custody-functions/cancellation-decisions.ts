import type { Failure } from '@custody/contracts';
import type { Completion } from '../engine/saga-flow';
import { decideChange } from './change-decisions';

/** The 11004 as first sent, or sent again with its serial. */
export type CancellationCallPurpose = 'ORIGINAL' | 'RESEND';

export type CancellationDecision =
  | { readonly outcome: 'CANCELLED' }
  /** Definite: the bank did not close the custody account; the ledger opens again before the caller is told. */
  | { readonly outcome: 'REFUSED'; readonly failure: Failure }
  | { readonly outcome: 'UNKNOWN'; readonly next: { readonly purpose: 'RESEND'; readonly delayMs: number } };

/**
 * F-3.8 S after an 11004 call, as every change at a bank is decided (`decideChange`): 0000 cancels; a code that proves
 * the bank refused (its 5316/5317/5318 among them) fails it; anything else — no reply, a host error — sends the same
 * request again with the same serial, for as long as it takes. Never guessed: the ledger stays closed meanwhile. Only
 * a first send that never left (NOT_SENT) proves nothing reached the bank.
 */
export function decideCancellation(purpose: CancellationCallPurpose, completion: Completion, attempt: number): CancellationDecision {
  const decision = decideChange(purpose, completion, attempt);
  if (decision.next) return { outcome: 'UNKNOWN', next: decision.next };
  if (decision.verdict?.status === 'SUCCEEDED') return { outcome: 'CANCELLED' };
  if (!decision.verdict?.failure) throw new Error('a cancellation call ended without a verdict');
  return { outcome: 'REFUSED', failure: decision.verdict.failure };
}
