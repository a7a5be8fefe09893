import type { z } from 'zod';
import type { bankCallCompleted } from '@custody/contracts';
import { retryDelayMs, SUCCESS } from '../transfer/transfer-decisions';

type Completion = z.infer<typeof bankCallCompleted.schema>;

/** The day's two bank calls (bank-protocol.md §7): 13012 opens the bank's day for D, 13011 ends it. */
export type DayCallPurpose = 'DAY_START' | 'DAY_END';

/**
 * The steps a bank's day takes on a timer: its transfer window closing, a closing day looking again whether
 * its transfers have settled, and a day call tried again.
 */
export type DayStep = 'WINDOW_END' | 'ENDING_CHECK' | 'RETRY_DAY_START' | 'RETRY_DAY_END';

/** 1032 (bank-protocol.md §7 step 1): an older D, or the same D after its 13011 — the bank is ahead of us. */
export const BANK_DATE_REFUSED = '1032';

export type DayCallDecision =
  | { readonly done: true }
  | { readonly done: false; readonly retry: DayStep; readonly delayMs: number; readonly why: string; readonly alert?: string };

/**
 * What a completed 13012 / 13011 means. Only `0000` moves the day on; anything else leaves it where it is and
 * asks again with the same serial (the bank answers a repeated `Ref` with its first reply), slower each time.
 * A refusal of the date itself is for an operator: the bank's day is ahead of ours.
 */
export function decideDayCall(purpose: DayCallPurpose, completion: Completion, attempt: number): DayCallDecision {
  if (completion.outcome === 'REPLIED' && completion.returnCode === SUCCESS) return { done: true };
  const retry: DayStep = purpose === 'DAY_START' ? 'RETRY_DAY_START' : 'RETRY_DAY_END';
  const code = purpose === 'DAY_START' ? '13012' : '13011';
  const delayMs = retryDelayMs(attempt);
  if (completion.outcome !== 'REPLIED') return { done: false, retry, delayMs, why: `${code} ${completion.outcome === 'NO_REPLY' ? 'unanswered' : 'not sent'}: ${completion.reason ?? ''}` };
  const why = `${code} answered ${completion.returnCode}${completion.returnMessage ? ` (${completion.returnMessage})` : ''}`;
  if (completion.returnCode === BANK_DATE_REFUSED) {
    return { done: false, retry, delayMs, why, alert: `bank ${completion.bankCode} refused the business date (${why}): its day is ahead of the broker's; an operator must reconcile the dates` };
  }
  return { done: false, retry, delayMs, why };
}
