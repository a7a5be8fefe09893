import type { z } from 'zod';
import type { bankCallCompleted, DesignationMode } from '@custody/contracts';
import { isDefiniteRefusal } from '../transfer/bank-refusals';
import { retryDelayMs, SUCCESS, type CallPurpose } from '../transfer/transfer-decisions';

type Completion = z.infer<typeof bankCallCompleted.schema>;

export interface DesignationDecision {
  state: 'SENT' | 'UNKNOWN' | 'DONE';
  resolution?: {
    status: 'DESIGNATED' | 'PRE_DESIGNATED' | 'FAILED';
    custodyAccountNo?: string;
    failure?: { code: string; bankReturnCode?: string; message: string };
  };
  next?: { purpose: 'RESEND'; delayMs: number };
}

/**
 * F-3.3 S (11001) and F-3.1 (11002) after a bank call. An unanswered request is re-sent with the same serial: the
 * bank processes a `Ref` once and returns its original reply (bank-protocol.md §4 idempotency), custody account
 * included. Success leaves the relationship as the request's mode opens it: DESIGNATED, or PRE_DESIGNATED (trading
 * allowed, transfers not until the bank's 11003 confirms it).
 */
export function decideDesignation(mode: DesignationMode, purpose: CallPurpose, completion: Completion, attempt: number): DesignationDecision {
  // NOT_SENT is definite (the adapter fenced the call off); only the first send's proves nothing reached the bank.
  if (completion.outcome === 'NOT_SENT' && purpose === 'ORIGINAL') {
    return { state: 'DONE', resolution: { status: 'FAILED', failure: { code: 'BANK_UNAVAILABLE', message: completion.reason ?? 'the bank cannot be reached; nothing was sent' } } };
  }
  if (completion.outcome !== 'REPLIED') return { state: 'UNKNOWN', next: { purpose: 'RESEND', delayMs: retryDelayMs(attempt) } };
  if (completion.returnCode === SUCCESS) {
    return { state: 'DONE', resolution: { status: mode === 'DESIGNATE' ? 'DESIGNATED' : 'PRE_DESIGNATED', custodyAccountNo: completion.custodyAccountNo } };
  }
  // A code that does not prove refusal may hide a custody account the bank did open: ask again (same Ref).
  if (!isDefiniteRefusal(completion.returnCode)) return { state: 'UNKNOWN', next: { purpose: 'RESEND', delayMs: retryDelayMs(attempt) } };
  return {
    state: 'DONE',
    resolution: { status: 'FAILED', failure: { code: 'BANK_REJECTED', bankReturnCode: completion.returnCode, message: completion.returnMessage ?? 'rejected by the bank' } },
  };
}
