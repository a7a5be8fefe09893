import type { CustodyFunctionResolution } from '@custody/contracts';
import type { Completion } from '../engine/saga-flow';
import { SUCCESS } from '../transfer/transfer-decisions';
import { decideQuery } from './query-decisions';

/**
 * The bank's codes that answer an identity check (F-3.11 S, 11007) with "not the same person": the bank compared the
 * customer we sent with its record of the account's holder and names what differs (JR/T 0046 §7.23: 5010 证件类型不符,
 * 5011 证件号码不符, 5016 该账户不属于同一个客户 — the table's bank-side code for a name that is another person's, as
 * profile §4.1 uses it on 11006 — and 1012 证件不符, the older code for a document that differs). These are answers,
 * given to the caller as `matched: false` with the code. Every other refusal (1014 no such bank account, 1016 not
 * linked, 1044 a message it cannot read, 1034 not offered…) means the bank did not compare: the check failed.
 */
export const IDENTITY_MISMATCH_CODES: ReadonlySet<string> = new Set(['1012', '5010', '5011', '5016']);

export type IdentityCheckVerdict = Pick<CustodyFunctionResolution, 'status' | 'failure' | 'identityCheck'>;

/** F-3.11 S after its one call: a query (`decideQuery`, never resent), except that a mismatch is an answer too. */
export function decideIdentityCheck(completion: Completion): IdentityCheckVerdict {
  const code = completion.outcome === 'REPLIED' ? completion.returnCode : undefined;
  if (code !== undefined && IDENTITY_MISMATCH_CODES.has(code)) return { status: 'SUCCEEDED', identityCheck: { matched: false, bankReturnCode: code } };
  const verdict = decideQuery(completion, () => true);
  return verdict.status === 'SUCCEEDED' ? { ...verdict, identityCheck: { matched: true, bankReturnCode: SUCCESS } } : verdict;
}
