import type { z } from 'zod';
import type { bankCallCompleted, TransferSummary } from '@custody/contracts';
import { retryDelayMs, SUCCESS } from '../transfer/transfer-decisions';

type Completion = z.infer<typeof bankCallCompleted.schema>;

/** The day's bank calls (bank-protocol.md §7): 13012 opens the bank's day for D, 13011 ends it, 13010 checks its sums. */
export type DayCallPurpose = 'DAY_START' | 'DAY_END' | 'SUMMARY_CHECK';

/**
 * The steps a bank's day takes on a timer: its transfer window closing, a closing day looking again whether
 * its transfers have settled, and a day call tried again.
 */
export type DayStep = 'WINDOW_END' | 'ENDING_CHECK' | 'RETRY_DAY_START' | 'RETRY_DAY_END';

/**
 * The steps of a day's close taken on a timer: the wait for the bank's detail files, the wait for its DIF04,
 * 13010 tried again, and a stalled step tried again.
 */
export type CloseTimerStep = 'BANK_FILES_WAIT' | 'DIF04_WAIT' | 'RETRY_SUMMARY_CHECK' | 'RETRY_CLOSE_STEP';
export const CLOSE_TIMER_STEPS: readonly string[] = ['BANK_FILES_WAIT', 'DIF04_WAIT', 'RETRY_SUMMARY_CHECK', 'RETRY_CLOSE_STEP'] satisfies CloseTimerStep[];

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
export function decideDayCall(purpose: Exclude<DayCallPurpose, 'SUMMARY_CHECK'>, completion: Completion, attempt: number): DayCallDecision {
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

/** The bank's answer to 13010 (bank-protocol.md §7 step 4), as `GET /v1/reconciliation` shows it. */
export interface SummaryCheckResult {
  readonly result: 'MATCHED' | 'MISMATCHED';
  readonly checkReturnCode: string;
  readonly bank?: TransferSummary;
}

export type SummaryCheckDecision =
  | { readonly done: true; readonly answer?: SummaryCheckResult; readonly why?: string }
  | { readonly done: false; readonly delayMs: number; readonly why: string };

/**
 * What a completed 13010 means. Answered `0000`: its `ChkRst` says whether the bank's figures are ours
 * (`0000`) or not (any other, the profile's `5208`). Unanswered or refused, it is asked again with the same
 * serial, and after `attempts` tries the day goes on without it: a summary check never stops the day, detail
 * reconciliation finds any break (§7 step 4).
 */
export function decideSummaryCheck(completion: Completion, attemptsMade: number, attempts: number): SummaryCheckDecision {
  if (completion.outcome === 'REPLIED' && completion.returnCode === SUCCESS && completion.summaryCheck) {
    const { checkReturnCode, bank } = completion.summaryCheck;
    return { done: true, answer: { result: checkReturnCode === SUCCESS ? 'MATCHED' : 'MISMATCHED', checkReturnCode, ...(bank ? { bank } : {}) } };
  }
  const why =
    completion.outcome === 'REPLIED'
      ? `13010 answered ${completion.returnCode ?? 'without a code'}${completion.returnMessage ? ` (${completion.returnMessage})` : ''}`
      : `13010 ${completion.outcome === 'NO_REPLY' ? 'unanswered' : 'not sent'}${completion.reason ? `: ${completion.reason}` : ''}`;
  if (attemptsMade >= attempts) return { done: true, why: `${why}; given up after ${attemptsMade} attempts, the summary check stays PENDING` };
  return { done: false, delayMs: retryDelayMs(attemptsMade), why };
}
