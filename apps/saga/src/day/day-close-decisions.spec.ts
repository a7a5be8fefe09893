import {
  bankDetailFiles,
  beginClose,
  type DayClose,
  onBankFilesWaitOver,
  onBreaksChanged,
  onBrokerFilesReady,
  onDif04WaitOver,
  onFetchCompleted,
  onSendCompleted,
  onSummaryCheckDone,
  openBreaksOf,
  phaseOf,
  retryStep,
} from './day-close-decisions';
import { Money } from '@custody/money';

const D = '2026-12-07';
const DETAIL = ['S_CHK01_20261207.gz', 'S_CHK02_20261207.gz', 'S_CHK03_20261207.gz'];
const SUMMARY = { depositCount: 2, depositAmount: Money.parse('300.00'), withdrawalCount: 1, withdrawalAmount: Money.parse('50.00') };

/** A close through its 13010 and the sending of its detail files (step id `send-1`). */
function sentDetail(): DayClose {
  const ready = onBrokerFilesReady(beginClose('1021000', D).close, 'DETAIL', DETAIL, SUMMARY).close;
  return { ...onSummaryCheckDone(ready).close, sendStepId: 'send-1' };
}

describe('the close of a bank day (bank-protocol.md §7 steps 4–7)', () => {
  it('§7 step 4: 13011 answered → the broker files of the detail step are asked for first', () => {
    const { close, actions } = beginClose('1021000', D);
    expect(close.step).toBe('BROKER_FILES');
    expect(phaseOf(close)).toBe('RECONCILING');
    expect(actions).toEqual([{ kind: 'REQUEST_BROKER_FILES', step: 'DETAIL' }]);
  });

  it('§7 step 4: the broker files ready → 13010 with their figures; a BALANCE answer meanwhile is ignored', () => {
    const begun = beginClose('1021000', D).close;
    expect(onBrokerFilesReady(begun, 'BALANCE', ['S_CHK04_20261207.gz'], undefined)).toEqual({ close: begun, actions: [] });
    const { close, actions } = onBrokerFilesReady(begun, 'DETAIL', DETAIL, SUMMARY);
    expect(close).toMatchObject({ step: 'SUMMARY_CHECK', detailFiles: DETAIL, summary: SUMMARY });
    expect(actions).toEqual([{ kind: 'CALL_SUMMARY_CHECK' }]);
  });

  it('§7 step 5: after 13010 the detail files are sent and the wait for the bank’s own begins', () => {
    const ready = onBrokerFilesReady(beginClose('1021000', D).close, 'DETAIL', DETAIL, SUMMARY).close;
    const { close, actions } = onSummaryCheckDone(ready);
    expect(close.step).toBe('SEND_DETAIL');
    expect(actions).toEqual([{ kind: 'SEND_FILES', fileNames: DETAIL }, { kind: 'WAIT_FOR_BANK_FILES' }]);
  });

  it('§7 step 5: the completion of another file step than the one awaited is stale and changes nothing', () => {
    const close = sentDetail();
    expect(onSendCompleted(close, 'send-0', true, undefined)).toEqual({ close, actions: [] });
  });

  it('§5 step 4: a send the bank kept refusing stalls the close with its reason; a retry sends again and clears it', () => {
    const stalled = onSendCompleted(sentDetail(), 'send-1', false, 'B 13005 refused 5208 three times').close;
    expect(stalled.step).toBe('SEND_DETAIL');
    expect(stalled.stalledReason).toBe('sending S_CHK01–03 failed: B 13005 refused 5208 three times');
    const retried = retryStep(stalled);
    expect(retried.close.stalledReason).toBeNull();
    expect(retried.actions).toEqual([{ kind: 'SEND_FILES', fileNames: DETAIL }]);
  });

  it('§7 step 5: the bank files not all held when the wait is over → only the missing ones are fetched', () => {
    const close = { ...sentDetail(), bankFiles: ['B_CHK02_20261207.gz'] };
    expect(onBankFilesWaitOver(close).actions).toEqual([{ kind: 'FETCH_FILES', fileNames: ['B_CHK01_20261207.gz', 'B_CHK03_20261207.gz'] }]);
    expect(onBankFilesWaitOver({ ...close, bankFiles: bankDetailFiles(D) }).actions).toEqual([]);
  });

  it('§7 step 5: a failed fetch (the bank does not have them yet) waits again; a done one waits for the files announced', () => {
    const close = { ...sentDetail(), fetchStepId: 'fetch-1' };
    expect(onFetchCompleted(close, 'fetch-1', false).actions).toEqual([{ kind: 'WAIT_FOR_BANK_FILES' }]);
    expect(onFetchCompleted(close, 'fetch-1', true).actions).toEqual([]);
    expect(onFetchCompleted(close, 'fetch-0', false).actions).toEqual([]);
  });

  it('§7 step 6: open detail breaks keep the day AWAITING_ADJUSTMENTS; the last one resolved asks for S_CHK04', () => {
    const awaiting = onSendCompleted(sentDetail(), 'send-1', true, undefined).close;
    expect(awaiting.step).toBe('AWAIT_DETAIL');
    expect(phaseOf(awaiting)).toBe('RECONCILING');
    const withBreaks = onBreaksChanged(awaiting, 'DETAIL', { compared: true, openBreaks: 3 });
    expect(phaseOf(withBreaks.close)).toBe('AWAITING_ADJUSTMENTS');
    expect(openBreaksOf(withBreaks.close)).toBe(3);
    expect(withBreaks.actions).toEqual([]);
    const resolved = onBreaksChanged(withBreaks.close, 'DETAIL', { compared: true, openBreaks: 0 });
    expect(resolved.close.step).toBe('BALANCE_FILES');
    expect(resolved.actions).toEqual([{ kind: 'REQUEST_BROKER_FILES', step: 'BALANCE' }]);
  });

  it('§7 step 6: a comparison finished before our own send completed moves on when the send does', () => {
    const compared = onBreaksChanged(sentDetail(), 'DETAIL', { compared: true, openBreaks: 0 });
    expect(compared.close.step).toBe('SEND_DETAIL');
    const sent = onSendCompleted(compared.close, 'send-1', true, undefined);
    expect(sent.close.step).toBe('BALANCE_FILES');
  });

  it('§7 step 6: operator cases counted before the comparison (compared false) do not move the close on', () => {
    const awaiting = onSendCompleted(sentDetail(), 'send-1', true, undefined).close;
    const cases = onBreaksChanged(awaiting, 'DETAIL', { compared: false, openBreaks: 0 });
    expect(cases.close.step).toBe('AWAIT_DETAIL');
    expect(cases.actions).toEqual([]);
  });

  function balanceSent(): DayClose {
    const awaiting = onSendCompleted(sentDetail(), 'send-1', true, undefined).close;
    const balance = onBreaksChanged(awaiting, 'DETAIL', { compared: true, openBreaks: 0 }).close;
    const ready = onBrokerFilesReady(balance, 'BALANCE', ['S_CHK04_20261207.gz'], undefined);
    expect(ready.actions).toEqual([{ kind: 'SEND_FILES', fileNames: ['S_CHK04_20261207.gz'] }]);
    return { ...ready.close, sendStepId: 'send-2' };
  }

  it('§7 step 7: S_CHK04 sent → the wait for B_DIF04; a DIF04 with no difference reconciles the day', () => {
    const { close, actions } = onSendCompleted(balanceSent(), 'send-2', true, undefined);
    expect(close.step).toBe('AWAIT_DIF04');
    expect(actions).toEqual([{ kind: 'WAIT_FOR_DIF04' }]);
    const reconciled = onBreaksChanged(close, 'BALANCE', { compared: true, openBreaks: 0 }).close;
    expect(reconciled.step).toBe('DONE');
    expect(phaseOf(reconciled)).toBe('RECONCILED');
  });

  it('§7 step 7: balance breaks keep the day AWAITING_ADJUSTMENTS until resolved', () => {
    const waiting = onSendCompleted(balanceSent(), 'send-2', true, undefined).close;
    const open = onBreaksChanged(waiting, 'BALANCE', { compared: true, openBreaks: 1 }).close;
    expect(phaseOf(open)).toBe('AWAITING_ADJUSTMENTS');
    expect(onDif04WaitOver(open).close.step).toBe('AWAIT_DIF04');
    expect(phaseOf(onBreaksChanged(open, 'BALANCE', { compared: true, openBreaks: 0 }).close)).toBe('RECONCILED');
  });

  it('§7 step 7: no B_DIF04 within dif04WaitMs → RECONCILED; a late one only changes the open breaks shown', () => {
    const waiting = onSendCompleted(balanceSent(), 'send-2', true, undefined).close;
    const reconciled = onDif04WaitOver(waiting).close;
    expect(phaseOf(reconciled)).toBe('RECONCILED');
    const late = onBreaksChanged(reconciled, 'BALANCE', { compared: true, openBreaks: 2 }).close;
    expect(phaseOf(late)).toBe('RECONCILED');
    expect(openBreaksOf(late)).toBe(2);
  });
});
