import {
  ConnectionClosedError,
  MessageEncodeError,
  ReplyTimeoutError,
  SessionStateError,
  UnexpectedReplyError,
} from '@custody/bank-protocol';
import type { CallOutcome } from './bank-call.types';

/** No signed-in session to send on: nothing left the adapter. */
export class NoSessionError extends Error {
  constructor(bankCode: string) {
    super(`no signed-in session to bank ${bankCode}`);
  }
}

/**
 * The call's send budget (`sendWithinMs` from when it reached the adapter) ran out before the request was
 * handed to a session, so it is never written: the saga's deadline for it is running, and a call held
 * longer would reach the bank after the saga stopped waiting for it.
 */
export class SendBudgetSpentError extends Error {
  constructor(readonly sendWithinMs: number) {
    super(`not handed to a session within its ${sendWithinMs} ms send budget; never written after it`);
  }
}

/** The breaker refused the call without running it: nothing left the adapter. */
export class BreakerOpenError extends Error {
  constructor(detail: string) {
    super(`circuit breaker open (${detail}); the call was not sent`);
  }
}

export interface SendFailure {
  readonly outcome: Extract<CallOutcome, 'NOT_SENT' | 'NO_REPLY'>;
  readonly reason: string;
}

/**
 * Whether a failed call may have reached the bank. The rule (bankCallCompleted's contract):
 * NOT_SENT only when it is certain nothing was written; NO_REPLY (UNKNOWN for the saga) when it was
 * written and no readable reply came. `handedOver` says whether the request reached the session at
 * all: before that, nothing can have been written, whatever failed.
 */
export function classifySendFailure(error: unknown, handedOver: boolean): SendFailure {
  const detail = error instanceof Error ? error.message : String(error);
  if (!handedOver) return { outcome: 'NOT_SENT', reason: detail };
  if (error instanceof ReplyTimeoutError) return { outcome: 'NO_REPLY', reason: `no reply within ${error.timeoutMs} ms` };
  if (error instanceof ConnectionClosedError) {
    return error.written
      ? { outcome: 'NO_REPLY', reason: `connection lost after the request was written (${error.reason})` }
      : { outcome: 'NOT_SENT', reason: `connection lost before the request was written (${error.reason})` };
  }
  if (error instanceof UnexpectedReplyError) return { outcome: 'NO_REPLY', reason: `no usable reply: ${detail}` };
  // The session refused or could not encode the request before writing anything.
  if (error instanceof SessionStateError || error instanceof MessageEncodeError) return { outcome: 'NOT_SENT', reason: detail };
  // Anything else after the hand-over cannot prove that nothing was written; UNKNOWN is the safe side.
  return { outcome: 'NO_REPLY', reason: `outcome unknown: ${detail}` };
}
