import type { Failure } from '@custody/contracts';
import type { Completion } from '../engine/saga-flow';
import { decideChange } from './change-decisions';

/** F-3.6's bank calls: each as first sent, or sent again under its serial. */
export const BANK_CHANGE_CALLS = {
  CLOSE_AT_OLD: { original: 'CLOSE_AT_OLD', resend: 'CLOSE_AT_OLD_RESEND' },
  OPEN_AT_NEW: { original: 'OPEN_AT_NEW', resend: 'OPEN_AT_NEW_RESEND' },
  RESTORE_AT_OLD: { original: 'RESTORE_AT_OLD', resend: 'RESTORE_AT_OLD_RESEND' },
} as const;
export type BankChangeStep = keyof typeof BANK_CHANGE_CALLS;
export type BankChangeCallPurpose = (typeof BANK_CHANGE_CALLS)[BankChangeStep][keyof (typeof BANK_CHANGE_CALLS)[BankChangeStep]];

export function stepOf(purpose: BankChangeCallPurpose): { step: BankChangeStep; resend: boolean } {
  for (const [step, calls] of Object.entries(BANK_CHANGE_CALLS) as Array<[BankChangeStep, (typeof BANK_CHANGE_CALLS)[BankChangeStep]]>) {
    if (calls.original === purpose) return { step, resend: false };
    if (calls.resend === purpose) return { step, resend: true };
  }
  throw new Error(`no call of a change of custodian bank is named ${purpose}`);
}

export type BankChangeCallDecision =
  | { readonly outcome: 'DONE' }
  /** Definite: the bank did not act; the step before is compensated. */
  | { readonly outcome: 'REFUSED'; readonly failure: Failure }
  | { readonly outcome: 'UNKNOWN'; readonly next: { readonly purpose: BankChangeCallPurpose; readonly delayMs: number } };

/**
 * F-3.6 after one of its bank calls. Each changes a bank's books, so only the bank's answer ends it: 0000 or a code
 * that proves refusal; anything else sends the same request again under its serial, for as long as it takes
 * (`decideChange`). Only the 11004's first send that never left (NOT_SENT) ends the change on nothing: until the
 * old bank closed the custody account nothing has changed anywhere. Once it has, the customer's money is at no bank
 * until the 11001 at the new bank (or the 11002 restoring the old one) is answered, so a NOT_SENT there is sent again,
 * never taken as a refusal that would give the customer up.
 */
export function decideBankChangeCall(purpose: BankChangeCallPurpose, completion: Completion, attempt: number): BankChangeCallDecision {
  const { step, resend } = stepOf(purpose);
  const sentBefore = resend || step !== 'CLOSE_AT_OLD';
  const decision = decideChange(sentBefore ? 'RESEND' : 'ORIGINAL', completion, attempt);
  if (decision.next) return { outcome: 'UNKNOWN', next: { purpose: BANK_CHANGE_CALLS[step].resend, delayMs: decision.next.delayMs } };
  if (decision.verdict?.status === 'SUCCEEDED') return { outcome: 'DONE' };
  if (!decision.verdict?.failure) throw new Error(`a ${purpose} call ended without a verdict`);
  return { outcome: 'REFUSED', failure: decision.verdict.failure };
}
