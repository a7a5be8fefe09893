import { FileTransferError, type ReturnCode } from '@custody/bank-protocol';
import type { bankFileStepRequested, DayFileDescriptor } from '@custody/contracts';
import type { z } from 'zod';
import { namedFile } from './day-file-descriptor';
import { DayFileStoreRefusedError, DayFileStoreUnavailableError } from './reconciliation-files.client';

export type FileStepRequest = z.infer<typeof bankFileStepRequested.schema>;
export type FileStepMode = FileStepRequest['mode'];

/** A step as the adapter keeps it (`bank_adapter.file_steps`), open or not. */
export interface FileStep {
  readonly stepId: string;
  readonly bankCode: string;
  /** YYYY-MM-DD */
  readonly businessDate: string;
  readonly mode: FileStepMode;
  readonly fileNames: readonly string[];
  /** The message id of the request: the cause of the completion. */
  readonly requestedBy: string;
  /** The files already sent whole (SEND) or fetched and stored (FETCH), in order: a resumed step skips them. */
  readonly filesDone: readonly DayFileDescriptor[];
  /** How many times a worker has taken the step, this time included. */
  readonly attempts: number;
}

/** What a failed attempt means for its step. */
export type StepVerdict =
  | { readonly kind: 'FAILED'; readonly reason: string; readonly bankReturnCode?: ReturnCode }
  | { readonly kind: 'RETRY'; readonly reason: string };

/** A SEND step names a file the reconciliation service does not hold: there is nothing to send. */
export class StepFileMissingError extends Error {
  override readonly name = 'StepFileMissingError';
}

/** No signed-in session to the bank that could carry the step's requests now. */
export class NoFileSessionError extends Error {
  override readonly name = 'NoFileSessionError';
}

/**
 * How many times a step is taken before the adapter gives up on trouble that might pass (no session, the
 * reconciliation service away, a session lost mid-file). With the backoff below that is about five minutes;
 * the saga decides whether and when to ask again (a FAILED FETCH is retried later, bank-protocol.md §7 step 5).
 */
export const MAX_STEP_ATTEMPTS = 12;
const FIRST_RETRY_MS = 1_000;
const LONGEST_RETRY_MS = 30_000;

/**
 * Why a step cannot be run as asked, or undefined: a SEND sends only our files (`S_…`, a side sends its own,
 * profile §5), a FETCH asks only for the bank's (`B_…`), every name is a day file of the step's date, and none
 * is named twice. Such a step is FAILED at once and nothing reaches the bank.
 */
export function stepRefusal(step: Pick<FileStep, 'mode' | 'businessDate' | 'fileNames'>): string | undefined {
  const side = step.mode === 'SEND' ? 'S' : 'B';
  const seen = new Set<string>();
  for (const fileName of step.fileNames) {
    const named = namedFile(fileName);
    if (!named) return `${fileName} is not a day-file name`;
    if (named.side !== side) return `a ${step.mode} step moves only ${side}_ files, not ${fileName}`;
    if (named.businessDate !== step.businessDate) return `${fileName} is not a file of ${step.businessDate}`;
    if (seen.has(fileName)) return `${fileName} is named twice`;
    seen.add(fileName);
  }
  return undefined;
}

/**
 * What an attempt's failure means. The file engine has already spent the profile's retries on everything the
 * bank answered (a refused file, a refused 13005, a file it does not have, requests left unanswered): that is
 * FAILED, with the bank's last code. A session lost mid-file, no session at all, or the reconciliation service
 * away is trouble of the moment: the step is taken again later and restarts the file it was on (the protocol
 * allows it: a 13008 restarts a file, a fetch starts again from 13006). A file the reconciliation service
 * does not hold, or a request it refuses, cannot come right by trying again. Anything unforeseen is retried:
 * giving up is the saga's call, which it makes from a FAILED that says why.
 */
export function verdictOnFailure(error: unknown): StepVerdict {
  if (error instanceof FileTransferError) {
    if (error.reason === 'SESSION_LOST') return { kind: 'RETRY', reason: error.message };
    return { kind: 'FAILED', reason: error.message, ...(error.returnCode === undefined ? {} : { bankReturnCode: error.returnCode }) };
  }
  if (error instanceof StepFileMissingError || error instanceof DayFileStoreRefusedError) return { kind: 'FAILED', reason: error.message };
  if (error instanceof DayFileStoreUnavailableError || error instanceof NoFileSessionError) return { kind: 'RETRY', reason: error.message };
  return { kind: 'RETRY', reason: error instanceof Error ? `${error.name}: ${error.message}` : String(error) };
}

/**
 * After attempt `attempts` failed in a way that may pass: FAILED once the attempts are spent, else taken again
 * after a doubling pause (1 s, 2 s, 4 s … 30 s).
 */
export function afterTransientFailure(attempts: number, reason: string): { readonly kind: 'FAILED'; readonly reason: string } | { readonly kind: 'RETRY'; readonly delayMs: number } {
  if (attempts >= MAX_STEP_ATTEMPTS) return { kind: 'FAILED', reason: `gave up after ${attempts} attempts; the last: ${reason}` };
  return { kind: 'RETRY', delayMs: Math.min(LONGEST_RETRY_MS, FIRST_RETRY_MS * 2 ** Math.max(0, attempts - 1)) };
}
