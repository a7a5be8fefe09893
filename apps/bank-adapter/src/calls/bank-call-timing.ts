import { ReplyTimeoutError, returnCodeOrigin, type ReturnCodeOrigin } from '@custody/bank-protocol';
import type { SendFailure } from './send-failure.classifier';

/**
 * How a request written to the bank ended, as `custody_bank_call_duration_seconds` labels it: a reply, by who its
 * return code says produced it (JR/T 0046 §7.23: success, a bank refusal, ours, a communication fault, unassigned);
 * no reply within the request timeout; another fault after the hand-over that may have reached the bank; or one
 * that proved nothing was written. Never the code itself with its message, never an account.
 */
export type BankCallOutcomeClass = ReturnCodeOrigin | 'timeout' | 'no_reply' | 'not_sent';

export function repliedOutcome(returnCode: string): BankCallOutcomeClass {
  return returnCodeOrigin(returnCode);
}

export function unansweredOutcome(error: unknown, failure: SendFailure): BankCallOutcomeClass {
  if (failure.outcome === 'NOT_SENT') return 'not_sent';
  return error instanceof ReplyTimeoutError ? 'timeout' : 'no_reply';
}

/** Told of each request handed to a session: its instruction code, how it ended and how long it took, in seconds. */
export interface BankCallTimings {
  callEnded(instructionCode: string, outcome: BankCallOutcomeClass, seconds: number): void;
}
