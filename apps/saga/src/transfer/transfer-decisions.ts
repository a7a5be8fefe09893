import type { z } from 'zod';
import type { bankCallCompleted, transferOutcome, transferTypeSchema } from '@custody/contracts';
import { isDefiniteRefusal } from './bank-refusals';

type Completion = z.infer<typeof bankCallCompleted.schema>;
type Outcome = z.infer<typeof transferOutcome.schema>;

/** Where a securities-initiated transfer saga stands. */
export type TransferSagaState = 'SENT' | 'UNKNOWN' | 'DONE';

/** Which bank call a completion answers: the transfer itself, a resend of it, a query of it, or its reversal. */
export type CallPurpose = 'ORIGINAL' | 'RESEND' | 'QUERY' | 'REVERSAL';

/** What the saga knows besides the completion: the transfer's direction and what the bank accepts. */
export interface TransferPolicy {
  type: z.infer<typeof transferTypeSchema>;
  /** bank config `acceptsSecuritiesToBankReversal`: may we send 12004 for a withdrawal (F-4.4 S)? */
  acceptsSecuritiesToBankReversal: boolean;
  /** The bank already refused one of our reversals as not offered (1033/1034): resend instead from then on. */
  reversalNotOffered: boolean;
}

/** What the saga does next; the runner carries it out in one transaction with the saga's new state. */
export interface TransferDecision {
  state: TransferSagaState;
  outcome?: Outcome;
  /** The next bank call to make after `delayMs` (a query, a resend of the original, or its reversal). */
  next?: { purpose: 'QUERY' | 'RESEND' | 'REVERSAL'; delayMs: number };
  /** The bank refused our reversal as not offered: remembered so the saga stops asking for one. */
  reversalNotOffered?: true;
  /** Something an operator must look at (logged at ERROR); the transfer stays UNKNOWN meanwhile. */
  alert?: string;
}

export const SUCCESS = '0000';
/** JR/T 0046 §7.23, bank side: the queried serial was never seen / is still in progress / was reversed. */
export const BANK_QUERY_NOT_FOUND = ['1027', '1011', '5223'];
export const BANK_QUERY_IN_PROGRESS = '1028';
export const BANK_REVERSED = '1006';
export const BANK_QUERY_SUCCEEDED = '1025';
export const BANK_QUERY_FAILED = '1026';
/** Replies to a reversal (bank-protocol.md §4): the original never arrived (the bank remembers the CnRef). */
export const BANK_REVERSAL_ORIGINAL_NOT_FOUND = '1005';
/** The bank cannot reverse a withdrawal: the customer's bank account no longer holds the money. */
export const BANK_REVERSAL_FUNDS_GONE = '1008';
/** The bank does not offer this reversal (no such transaction / not enabled). */
export const BANK_REVERSAL_NOT_OFFERED = ['1033', '1034'];
/** The reversal does not match the original (accounts, currency, amount, instruction code). */
export const BANK_REVERSAL_MISMATCH = ['1007', '5233', '5234', '5235'];

/** Back-off between attempts to end an UNKNOWN: 1 s, 2 s, 4 s … capped at 30 s; never gives up. */
export function retryDelayMs(attempt: number): number {
  return Math.min(1000 * 2 ** Math.max(0, attempt - 1), 30_000);
}

/**
 * The rules of domain.md §4 for an S-initiated transfer once a bank call completes. No branch guesses:
 * only a bank's definite answer ends the transfer; everything else keeps it UNKNOWN and asks again.
 */
export function decideTransfer(transferId: string, purpose: CallPurpose, completion: Completion, attempt: number, policy: TransferPolicy): TransferDecision {
  const unknown = (why: string, next: 'QUERY' | 'RESEND' | 'REVERSAL'): TransferDecision => ({
    state: 'UNKNOWN',
    outcome: { transferId, status: 'UNKNOWN', attempt: `${purpose.toLowerCase()} #${attempt}: ${why}` },
    next: { purpose: next, delayMs: retryDelayMs(attempt) },
  });

  // A reversal, once decided, is carried through with its own serial: repeating the same Ref is safe (the
  // bank processes it once), and the original is never sent again after we asked to undo it.
  if (purpose === 'REVERSAL') return decideFromReversal(transferId, completion, attempt, policy, unknown);

  if (completion.outcome === 'NOT_SENT') {
    // No copy of this call was written anywhere, and the adapter has fenced it off so that none ever will
    // be (bankCallCompleted). For the very first send that is a definite failure (open breaker, no session,
    // budget spent): nothing happened at the bank. A resend or query not sent proves nothing about the
    // original, which an earlier call may have carried to the bank.
    if (purpose === 'ORIGINAL') {
      return {
        state: 'DONE',
        outcome: { transferId, status: 'FAILED', failure: { code: 'BANK_UNAVAILABLE', message: completion.reason ?? 'the bank cannot be reached; nothing was sent' } },
      };
    }
    return unknown(`not sent (${completion.reason ?? 'bank unavailable'})`, 'QUERY');
  }
  if (completion.outcome === 'NO_REPLY') return unknown('no reply within requestTimeoutMs', 'QUERY');

  if (purpose === 'QUERY') return decideFromQuery(transferId, completion, attempt, policy, unknown);

  // A reply to the transfer itself (or to its resend, which the bank answers with the original result).
  if (completion.returnCode === SUCCESS) {
    return { state: 'DONE', outcome: { transferId, status: 'SUCCEEDED', bankSerialNo: completion.bankSerialNo } };
  }
  if (isDefiniteRefusal(completion.returnCode)) {
    return {
      state: 'DONE',
      outcome: {
        transferId,
        status: 'FAILED',
        failure: { code: 'BANK_REJECTED', bankReturnCode: completion.returnCode, message: completion.returnMessage ?? 'rejected by the bank' },
      },
    };
  }
  return unknown(`reply ${completion.returnCode} does not prove the transfer failed`, 'QUERY');
}

type Unknown = (why: string, next: 'QUERY' | 'RESEND' | 'REVERSAL') => TransferDecision;

/**
 * The bank never saw the original. A deposit (12001 S) is reversed (F-4.3 S): the bank remembers the
 * reversed serial and refuses a late original, so the transfer ends with money never moved instead of
 * racing a resend against a delayed original. A withdrawal (12002 S) is reversed (F-4.4 S) only where the
 * bank accepts S-initiated 12004; otherwise, and once a bank said it offers no reversal, it is re-sent with
 * the same serial and Resend=Y (F-4.5), which the bank processes once.
 */
function neverSeen(policy: TransferPolicy, unknown: Unknown): TransferDecision {
  const reversible = policy.type === 'BANK_TO_SECURITIES' || policy.acceptsSecuritiesToBankReversal;
  if (reversible && !policy.reversalNotOffered) return unknown('bank never saw the original; reversing it', 'REVERSAL');
  return unknown('bank never saw the original; resending it', 'RESEND');
}

function decideFromQuery(transferId: string, completion: Completion, attempt: number, policy: TransferPolicy, unknown: Unknown): TransferDecision {
  if (completion.returnCode !== SUCCESS) return unknown(`query refused (${completion.returnCode})`, 'QUERY');
  const original = completion.originalReturnCode;
  if (original === SUCCESS || original === BANK_QUERY_SUCCEEDED) {
    // The query reply's own serial is not the original's bank serial, so none is recorded here.
    return { state: 'DONE', outcome: { transferId, status: 'SUCCEEDED', attempt: `query #${attempt}: bank reports success` } };
  }
  if (!original || original === BANK_QUERY_IN_PROGRESS) return unknown('bank reports the original still in progress', 'QUERY');
  if (BANK_QUERY_NOT_FOUND.includes(original)) return neverSeen(policy, unknown);
  if (original === BANK_REVERSED) {
    // Only our own reversal can have reversed an S-initiated original: the money never moved (or moved back).
    return { state: 'DONE', outcome: { transferId, status: 'REVERSED', attempt: `query #${attempt}: bank reports the original reversed` } };
  }
  if (isDefiniteRefusal(original) || original === BANK_QUERY_FAILED) {
    return {
      state: 'DONE',
      outcome: { transferId, status: 'FAILED', failure: { code: 'BANK_REJECTED', bankReturnCode: original, message: `query #${attempt}: the bank reports the original failed` } },
    };
  }
  return unknown(`bank reports the original ended ${original}, which does not prove it failed`, 'QUERY');
}

/**
 * A reply to our reversal (12003/12004, bank-protocol.md §4). Reversed, never seen (the bank now refuses a
 * late original) and already reversed all mean the original has no effect: REVERSED, a withdrawal's hold
 * released. A withdrawal the bank cannot reverse because the money has left the customer's bank account took
 * effect: SUCCEEDED. Anything else proves nothing about the original: it stays UNKNOWN and is asked again.
 */
function decideFromReversal(transferId: string, completion: Completion, attempt: number, policy: TransferPolicy, unknown: Unknown): TransferDecision {
  const code = completion.returnCode;
  if (completion.outcome !== 'REPLIED') {
    // Unanswered or not written: the same reversal (same serial) again; the bank processes a Ref once.
    const why = completion.outcome === 'NO_REPLY' ? 'no reply within requestTimeoutMs' : `not sent (${completion.reason ?? 'bank unavailable'})`;
    return unknown(`${why}; sending the same reversal again`, 'REVERSAL');
  }
  if (code === SUCCESS || code === BANK_REVERSAL_ORIGINAL_NOT_FOUND || code === BANK_REVERSED) {
    const why = { [SUCCESS]: 'the bank reversed the original', [BANK_REVERSAL_ORIGINAL_NOT_FOUND]: 'the bank never saw the original and will refuse it', [BANK_REVERSED]: 'the bank had already reversed the original' }[code];
    return { state: 'DONE', outcome: { transferId, status: 'REVERSED', attempt: `reversal #${attempt}: ${why} (${code})` } };
  }
  if (code === BANK_REVERSAL_FUNDS_GONE && policy.type === 'SECURITIES_TO_BANK') {
    return { state: 'DONE', outcome: { transferId, status: 'SUCCEEDED', attempt: `reversal #${attempt}: the withdrawal took effect and the money has left the bank account (${code})` } };
  }
  if (code !== undefined && BANK_REVERSAL_NOT_OFFERED.includes(code)) {
    return { ...unknown(`the bank does not offer this reversal (${code}); resending the original instead`, 'RESEND'), reversalNotOffered: true };
  }
  if (code !== undefined && BANK_REVERSAL_MISMATCH.includes(code)) {
    return {
      ...unknown(`the bank says the reversal does not match the original (${code}); querying`, 'QUERY'),
      alert: `reversal of transfer ${transferId} refused as not matching the original (${code}): check the original's accounts, currency and amount with the bank`,
    };
  }
  return unknown(`reversal answered ${code}, which proves nothing about the original; querying`, 'QUERY');
}
