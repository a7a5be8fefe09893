import type { CustodyFunctionResolution } from '@custody/contracts';
import type { Completion } from '../engine/saga-flow';
import { SUCCESS } from '../transfer/transfer-decisions';

/** A query's verdict: what the caller is told. */
export type QueryVerdict = Pick<CustodyFunctionResolution, 'status' | 'failure'>;

/**
 * F-3.10 and F-3.11 S (11009, 11007): a query moves nothing at the bank, so an unanswered one is not resent nor
 * queried — the caller is told the bank did not answer, and asks again if it still wants to know. Only the reply
 * itself answers the question; `answered` says whether a 0000 carries what was asked (a balance query its balances).
 */
export function decideQuery(completion: Completion, answered: (completion: Completion) => boolean): QueryVerdict {
  if (completion.outcome === 'NOT_SENT') {
    return { status: 'FAILED', failure: { code: 'BANK_UNAVAILABLE', message: completion.reason ?? 'the bank cannot be reached; nothing was sent' } };
  }
  if (completion.outcome === 'NO_REPLY') {
    return { status: 'FAILED', failure: { code: 'BANK_UNAVAILABLE', message: 'the bank did not answer in time; nothing changed, ask again' } };
  }
  if (completion.returnCode !== SUCCESS) {
    return {
      status: 'FAILED',
      failure: { code: 'BANK_REJECTED', ...(completion.returnCode ? { bankReturnCode: completion.returnCode } : {}), message: completion.returnMessage ?? 'rejected by the bank' },
    };
  }
  if (!answered(completion)) {
    return { status: 'FAILED', failure: { code: 'BANK_UNAVAILABLE', message: 'the bank answered 0000 without what was asked; ask again' } };
  }
  return { status: 'SUCCEEDED' };
}
