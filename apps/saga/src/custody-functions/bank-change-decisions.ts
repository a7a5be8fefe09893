import type { CustodyFunctionResolution } from '@custody/contracts';
import type { Completion } from '../engine/saga-flow';
import { isDefiniteRefusal } from '../transfer/bank-refusals';
import { retryDelayMs, SUCCESS } from '../transfer/transfer-decisions';

/** The calls of a function that changes the bank's books: the request, and the same request again. */
export type BankChangePurpose = 'ORIGINAL' | 'RESEND';

export interface BankChangeDecision {
  state: 'UNKNOWN' | 'DONE';
  /** Once the bank answered definitely (or nothing was ever sent): what the caller is told. */
  verdict?: Pick<CustodyFunctionResolution, 'status' | 'failure'>;
  next?: { purpose: 'RESEND'; delayMs: number };
}

/**
 * A broker-started account function that changes the bank's books (11011 S first), after a bank call. Unlike a query,
 * an unanswered one may have taken effect, so it is never given up on a guess: it is sent again with the same serial
 * — the bank processes a `Ref` once and answers a repeat with its first reply (bank-protocol.md §4 idempotency) —
 * until the bank answers 0000 or refuses definitely (`isDefiniteRefusal`), as a designation is
 * (designation-decisions.ts). Only the first send's NOT_SENT proves nothing reached the bank.
 */
export function decideBankChange(purpose: BankChangePurpose, completion: Completion, attempt: number): BankChangeDecision {
  if (completion.outcome === 'NOT_SENT' && purpose === 'ORIGINAL') {
    return { state: 'DONE', verdict: { status: 'FAILED', failure: { code: 'BANK_UNAVAILABLE', message: completion.reason ?? 'the bank cannot be reached; nothing was sent' } } };
  }
  const again: BankChangeDecision = { state: 'UNKNOWN', next: { purpose: 'RESEND', delayMs: retryDelayMs(attempt) } };
  if (completion.outcome !== 'REPLIED') return again;
  if (completion.returnCode === SUCCESS) return { state: 'DONE', verdict: { status: 'SUCCEEDED' } };
  // A code that does not prove refusal (1041, 1004, 9xxx…) may hide a change the bank made: ask again (same Ref).
  if (!isDefiniteRefusal(completion.returnCode)) return again;
  return {
    state: 'DONE',
    verdict: { status: 'FAILED', failure: { code: 'BANK_REJECTED', bankReturnCode: completion.returnCode, message: completion.returnMessage ?? 'rejected by the bank' } },
  };
}
