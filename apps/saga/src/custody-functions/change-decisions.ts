import type { CustodyFunctionResolution } from '@custody/contracts';
import type { Completion } from '../engine/saga-flow';
import { isDefiniteRefusal } from '../transfer/bank-refusals';
import { retryDelayMs, SUCCESS } from '../transfer/transfer-decisions';

/** The calls of a change: the first one, and the same request again under its serial. */
export type ChangePurpose = 'ORIGINAL' | 'RESEND';

export interface ChangeDecision {
  state: 'SENT' | 'UNKNOWN' | 'DONE';
  /** Only once the bank's answer is definite. */
  verdict?: Pick<CustodyFunctionResolution, 'status' | 'failure'>;
  next?: { purpose: 'RESEND'; delayMs: number };
}

/**
 * A broker-started function that changes the bank's books — F-3.4 S and F-3.5 S (11006, 11005), 11011 S, F-3.8 S
 * (`decideCancellation`) and each call of F-3.6 S (`decideBankChangeCall`) — after a bank call: a change moves the bank's books, so the broker never guesses
 * its outcome. An unanswered request — or one answered with a code that proves nothing (a host error, a duplicate
 * serial) — is sent again with the same serial, the bank processing a `Ref` once and answering a repeat with its first
 * reply (bank-protocol.md §4), until the bank says 0000 or refuses definitely. Only a first call the adapter never
 * wrote fails at once (`BANK_UNAVAILABLE`: nothing reached the bank); a resend not sent proves nothing of the first.
 */
export function decideChange(purpose: ChangePurpose, completion: Completion, attempt: number): ChangeDecision {
  const again: ChangeDecision = { state: 'UNKNOWN', next: { purpose: 'RESEND', delayMs: retryDelayMs(attempt) } };
  if (completion.outcome === 'NOT_SENT' && purpose === 'ORIGINAL') {
    return { state: 'DONE', verdict: { status: 'FAILED', failure: { code: 'BANK_UNAVAILABLE', message: completion.reason ?? 'the bank cannot be reached; nothing was sent' } } };
  }
  if (completion.outcome !== 'REPLIED') return again;
  if (completion.returnCode === SUCCESS) return { state: 'DONE', verdict: { status: 'SUCCEEDED' } };
  if (!isDefiniteRefusal(completion.returnCode)) return again;
  return {
    state: 'DONE',
    verdict: { status: 'FAILED', failure: { code: 'BANK_REJECTED', bankReturnCode: completion.returnCode, message: completion.returnMessage ?? 'rejected by the bank' } },
  };
}
