import { FileTransferError } from '@custody/bank-protocol';
import { afterTransientFailure, MAX_STEP_ATTEMPTS, NoFileSessionError, StepFileMissingError, stepRefusal, verdictOnFailure } from './file-step.rules';
import { DayFileChangedError, DayFileStoreRefusedError, DayFileStoreUnavailableError } from './reconciliation-files.client';

const D = '2026-11-21';

describe('file steps: what may be sent or fetched (bank-protocol.md §5: a side sends and serves only its own files)', () => {
  it('a SEND of our three detail files and a FETCH of the bank\'s are runnable', () => {
    expect(stepRefusal({ mode: 'SEND', businessDate: D, fileNames: ['S_CHK01_20261121.gz', 'S_CHK02_20261121.gz', 'S_CHK03_20261121.gz'] })).toBeUndefined();
    expect(stepRefusal({ mode: 'FETCH', businessDate: D, fileNames: ['B_CHK01_20261121.gz', 'B_DIF04_20261121.gz'] })).toBeUndefined();
  });

  it.each([
    ['a SEND of a bank file', 'SEND', ['B_CHK01_20261121.gz'], 'a SEND step moves only S_ files, not B_CHK01_20261121.gz'],
    ['a FETCH of one of ours', 'FETCH', ['S_CHK01_20261121.gz'], 'a FETCH step moves only B_ files, not S_CHK01_20261121.gz'],
    ['a file of another date', 'SEND', ['S_CHK01_20261120.gz'], 'S_CHK01_20261120.gz is not a file of 2026-11-21'],
    ['a name that is no day file', 'SEND', ['S_CHK09_20261121.gz'], 'S_CHK09_20261121.gz is not a day-file name'],
    ['a file named twice', 'FETCH', ['B_CHK01_20261121.gz', 'B_CHK01_20261121.gz'], 'B_CHK01_20261121.gz is named twice'],
  ] as const)('%s is refused before anything reaches the bank', (_case, mode, fileNames, why) => {
    expect(stepRefusal({ mode, businessDate: D, fileNames })).toBe(why);
  });
});

describe('file steps: what a failed attempt means', () => {
  it('the bank\'s answers after the engine\'s retries (13005 refused three times, a file it does not have, no answers) end the step FAILED with its last code', () => {
    expect(verdictOnFailure(new FileTransferError('STEP_REFUSED', 'S_CHK02_20261121.gz', '13005 refused 5208 4 times', '5208', 'S_CHK02_20261121.gz: not received'))).toEqual({
      kind: 'FAILED',
      reason: '13005 refused 5208 4 times',
      bankReturnCode: '5208',
    });
    expect(verdictOnFailure(new FileTransferError('NOT_AVAILABLE', 'B_CHK01_20261121.gz', '13006 answered 5208', '5208'))).toMatchObject({ kind: 'FAILED', bankReturnCode: '5208' });
    expect(verdictOnFailure(new FileTransferError('UNANSWERED', 'S_CHK01_20261121.gz', '13009 unanswered after 3 attempt(s)'))).toEqual({
      kind: 'FAILED',
      reason: '13009 unanswered after 3 attempt(s)',
    });
  });

  it('a file we do not hold, or a store that refuses, is FAILED: trying again changes nothing', () => {
    expect(verdictOnFailure(new StepFileMissingError('S_CHK01_20261121.gz is not held'))).toMatchObject({ kind: 'FAILED' });
    expect(verdictOnFailure(new DayFileStoreRefusedError('HTTP 422'))).toMatchObject({ kind: 'FAILED' });
  });

  it('a session lost mid-file, no session, the reconciliation service away, a file replaced while sent — and anything unforeseen — are tried again', () => {
    for (const error of [
      new FileTransferError('SESSION_LOST', 'S_CHK01_20261121.gz', 'connection closed'),
      new NoFileSessionError('no session'),
      new DayFileStoreUnavailableError('not reachable'),
      new DayFileChangedError('replaced'),
      new TypeError('bug'),
    ]) {
      expect(verdictOnFailure(error).kind).toBe('RETRY');
    }
  });

  it('trouble that may pass is retried after 1 s, 2 s, 4 s … at most 30 s, and FAILED once the attempts are spent', () => {
    expect([1, 2, 3, 5, 6, 11].map((attempts) => afterTransientFailure(attempts, 'away'))).toEqual(
      [1_000, 2_000, 4_000, 16_000, 30_000, 30_000].map((delayMs) => ({ kind: 'RETRY', delayMs })),
    );
    expect(afterTransientFailure(MAX_STEP_ATTEMPTS, 'no session')).toEqual({ kind: 'FAILED', reason: `gave up after ${MAX_STEP_ATTEMPTS} attempts; the last: no session` });
  });
});
