import type { DayPhase, TransferSummary } from '@custody/contracts';

/**
 * The steps of a bank's day after 13011 (bank-protocol.md §7 steps 4–7), in order:
 * BROKER_FILES — the reconciliation service has the owners write S_CHK01–03 (and reads the 13010 figures);
 * SUMMARY_CHECK — 13010; SEND_DETAIL — S_CHK01–03 and 13005 to the bank; AWAIT_DETAIL — both sides' CHK01–03
 * compared, and every detail break resolved; BALANCE_FILES — S_CHK04 written; SEND_BALANCE — S_CHK04 and 13005
 * sent; AWAIT_DIF04 — the bank's B_DIF04 for up to `dif04WaitMs`, and its breaks resolved; DONE — reconciled.
 */
export type CloseStep = 'BROKER_FILES' | 'SUMMARY_CHECK' | 'SEND_DETAIL' | 'AWAIT_DETAIL' | 'BALANCE_FILES' | 'SEND_BALANCE' | 'AWAIT_DIF04' | 'DONE';

export interface Comparison {
  readonly compared: boolean;
  readonly openBreaks: number;
}

/** Where the close of one bank's day stands (saga.day_closes). */
export interface DayClose {
  readonly bankCode: string;
  readonly businessDate: string;
  readonly step: CloseStep;
  readonly detailFiles: readonly string[] | null;
  readonly summary: TransferSummary | null;
  readonly summaryAttempts: number;
  readonly balanceFiles: readonly string[] | null;
  /** The bank's files of the date the reconciliation service holds (announced by `bank.files-received`). */
  readonly bankFiles: readonly string[];
  /** The SEND step (detail or balance) the close waits for; the completion of any other is stale. */
  readonly sendStepId: string | null;
  readonly fetchStepId: string | null;
  readonly detail: Comparison;
  readonly balance: Comparison;
  readonly stalledReason: string | null;
}

/** What the close does next; the service carries each out in the transaction that decided it. */
export type CloseAction =
  | { readonly kind: 'REQUEST_BROKER_FILES'; readonly step: 'DETAIL' | 'BALANCE' }
  | { readonly kind: 'CALL_SUMMARY_CHECK' }
  | { readonly kind: 'SEND_FILES'; readonly fileNames: readonly string[] }
  | { readonly kind: 'FETCH_FILES'; readonly fileNames: readonly string[] }
  | { readonly kind: 'WAIT_FOR_BANK_FILES' }
  | { readonly kind: 'WAIT_FOR_DIF04' };

export interface CloseDecision {
  readonly close: DayClose;
  readonly actions: readonly CloseAction[];
}

/** The bank's detail files the broker needs before it can compare (bank-protocol.md §7 step 5). */
export function bankDetailFiles(businessDate: string): string[] {
  const yyyymmdd = businessDate.replaceAll('-', '');
  return ['CHK01', 'CHK02', 'CHK03'].map((type) => `B_${type}_${yyyymmdd}.gz`);
}

/** §7 step 4: a 13010 that cannot be made or is refused this many times is left PENDING; it never stops the day. */
export const SUMMARY_CHECK_ATTEMPTS = 3;

/** The close of a day whose 13011 was just answered: the broker's detail files come first. */
export function beginClose(bankCode: string, businessDate: string): CloseDecision {
  const close: DayClose = {
    bankCode,
    businessDate,
    step: 'BROKER_FILES',
    detailFiles: null,
    summary: null,
    summaryAttempts: 0,
    balanceFiles: null,
    bankFiles: [],
    sendStepId: null,
    fetchStepId: null,
    detail: { compared: false, openBreaks: 0 },
    balance: { compared: false, openBreaks: 0 },
    stalledReason: null,
  };
  return { close, actions: [{ kind: 'REQUEST_BROKER_FILES', step: 'DETAIL' }] };
}

/** The reconciliation service has the broker's files of a step (and, for DETAIL, the 13010 figures). */
export function onBrokerFilesReady(close: DayClose, step: 'DETAIL' | 'BALANCE', fileNames: readonly string[], summary: TransferSummary | undefined): CloseDecision {
  if (step === 'DETAIL' && close.step === 'BROKER_FILES') {
    return { close: { ...close, step: 'SUMMARY_CHECK', detailFiles: fileNames, summary: summary ?? null, stalledReason: null }, actions: [{ kind: 'CALL_SUMMARY_CHECK' }] };
  }
  if (step === 'BALANCE' && close.step === 'BALANCE_FILES') {
    return { close: { ...close, step: 'SEND_BALANCE', balanceFiles: fileNames, stalledReason: null }, actions: [{ kind: 'SEND_FILES', fileNames }] };
  }
  return { close, actions: [] };
}

/**
 * 13010 is done — answered, or given up after `SUMMARY_CHECK_ATTEMPTS`: the detail files go to the bank, and
 * the wait for the bank's own files starts (§7 step 5: fetched if they have not come within the wait).
 */
export function onSummaryCheckDone(close: DayClose): CloseDecision {
  if (close.step !== 'SUMMARY_CHECK') return { close, actions: [] };
  return {
    close: { ...close, step: 'SEND_DETAIL', stalledReason: null },
    actions: [{ kind: 'SEND_FILES', fileNames: close.detailFiles ?? [] }, { kind: 'WAIT_FOR_BANK_FILES' }],
  };
}

/** A SEND step the close waits for ended. A failed one waits for a retry or an operator, with its reason shown. */
export function onSendCompleted(close: DayClose, stepId: string, done: boolean, reason: string | undefined): CloseDecision {
  if (stepId !== close.sendStepId) return { close, actions: [] };
  if (!done) return { close: { ...close, stalledReason: `sending ${close.step === 'SEND_BALANCE' ? 'S_CHK04' : 'S_CHK01–03'} failed: ${reason ?? 'no reason given'}` }, actions: [] };
  if (close.step === 'SEND_DETAIL') return settle({ ...close, step: 'AWAIT_DETAIL', stalledReason: null });
  if (close.step === 'SEND_BALANCE') return withActions(settle({ ...close, step: 'AWAIT_DIF04', stalledReason: null }), [{ kind: 'WAIT_FOR_DIF04' }]);
  return { close, actions: [] };
}

/** The wait for the bank's detail files is over: whatever has not come is fetched (13006/13007). */
export function onBankFilesWaitOver(close: DayClose): CloseDecision {
  if (close.step !== 'SEND_DETAIL' && close.step !== 'AWAIT_DETAIL') return { close, actions: [] };
  if (close.detail.compared) return { close, actions: [] };
  const missing = bankDetailFiles(close.businessDate).filter((name) => !close.bankFiles.includes(name));
  if (missing.length === 0) return { close, actions: [] };
  return { close, actions: [{ kind: 'FETCH_FILES', fileNames: missing }] };
}

/** A fetch failed (the bank may not have its files yet): the wait starts again. */
export function onFetchCompleted(close: DayClose, stepId: string, done: boolean): CloseDecision {
  if (stepId !== close.fetchStepId || done) return { close, actions: [] };
  return { close, actions: [{ kind: 'WAIT_FOR_BANK_FILES' }] };
}

/** The reconciliation service's count of open breaks after a comparison or a resolution. */
export function onBreaksChanged(close: DayClose, stage: 'DETAIL' | 'BALANCE', comparison: Comparison): CloseDecision {
  return settle(stage === 'DETAIL' ? { ...close, detail: comparison } : { ...close, balance: comparison });
}

/**
 * `dif04WaitMs` is over (§7 step 7): without a B_DIF04 the day is reconciled; one that comes later opens its
 * breaks on the date without reopening the day.
 */
export function onDif04WaitOver(close: DayClose): CloseDecision {
  if (close.step !== 'AWAIT_DIF04' || close.balance.compared) return { close, actions: [] };
  return { close: { ...close, step: 'DONE' }, actions: [] };
}

/** A retry (timer or operator) of a step that stalled or whose answer never came: the step is taken again. */
export function retryStep(close: DayClose): CloseDecision {
  const again = { ...close, stalledReason: null };
  switch (close.step) {
    case 'BROKER_FILES':
      return { close: again, actions: [{ kind: 'REQUEST_BROKER_FILES', step: 'DETAIL' }] };
    case 'BALANCE_FILES':
      return { close: again, actions: [{ kind: 'REQUEST_BROKER_FILES', step: 'BALANCE' }] };
    case 'SUMMARY_CHECK':
      return { close: again, actions: [{ kind: 'CALL_SUMMARY_CHECK' }] };
    case 'SEND_DETAIL':
      return { close: again, actions: [{ kind: 'SEND_FILES', fileNames: close.detailFiles ?? [] }] };
    case 'SEND_BALANCE':
      return { close: again, actions: [{ kind: 'SEND_FILES', fileNames: close.balanceFiles ?? [] }] };
    case 'AWAIT_DETAIL':
      return withActions(settle(again), onBankFilesWaitOver(again).actions);
    case 'AWAIT_DIF04':
    case 'DONE':
      return { close, actions: [] };
  }
}

/** The phase `GET /v1/day` shows for a close (api.md): AWAITING_ADJUSTMENTS while a comparison left breaks open. */
export function phaseOf(close: DayClose): DayPhase {
  if (close.step === 'DONE') return 'RECONCILED';
  if (close.step === 'AWAIT_DETAIL' && close.detail.compared && close.detail.openBreaks > 0) return 'AWAITING_ADJUSTMENTS';
  if (close.step === 'AWAIT_DIF04' && close.balance.compared && close.balance.openBreaks > 0) return 'AWAITING_ADJUSTMENTS';
  return 'RECONCILING';
}

export function openBreaksOf(close: DayClose): number {
  return close.detail.openBreaks + close.balance.openBreaks;
}

/** Moves on once what a waiting step waits for is there: no detail break open → S_CHK04; no balance break → done. */
function settle(close: DayClose): CloseDecision {
  if (close.step === 'AWAIT_DETAIL' && close.detail.compared && close.detail.openBreaks === 0) {
    return { close: { ...close, step: 'BALANCE_FILES' }, actions: [{ kind: 'REQUEST_BROKER_FILES', step: 'BALANCE' }] };
  }
  if (close.step === 'AWAIT_DIF04' && close.balance.compared && close.balance.openBreaks === 0) {
    return { close: { ...close, step: 'DONE' }, actions: [] };
  }
  return { close, actions: [] };
}

function withActions(decision: CloseDecision, more: readonly CloseAction[]): CloseDecision {
  return { close: decision.close, actions: [...decision.actions, ...more] };
}
