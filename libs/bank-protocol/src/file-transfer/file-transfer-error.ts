import { BankProtocolError } from '../protocol-errors';
import type { ReturnCode } from '../return-codes';

/**
 * Why a file could not be sent, announced or fetched, once the engine's own bounded retries are spent.
 * - `REFUSED`: the peer answered a code that re-sending cannot change (e.g. 1034 not enabled, 1041 host error).
 * - `RESENDS_EXHAUSTED`: the peer kept refusing the file (5208/3093: malformed or bad `FileMac`), or kept
 *   sending a bad one when fetched, through every whole-file attempt.
 * - `STEP_REFUSED`: 13005 was still refused (5208/3092) after the step's files were re-sent three times;
 *   the bank's day now waits for an operator (profile §5 step 4).
 * - `NOT_AVAILABLE`: the peer does not have the file asked for (13006/13007 answered 5208/3092).
 * - `UNANSWERED`: a request stayed unanswered (or its answer unreadable) through every attempt.
 * - `SESSION_LOST`: the session closed or refused the request; the caller sends again on another one.
 * - `BAD_SOURCE`: our own file has no bytes, or its bytes do not match its length or `FileMac` (never sent as if they did).
 */
export type FileTransferFailure =
  | 'REFUSED'
  | 'RESENDS_EXHAUSTED'
  | 'STEP_REFUSED'
  | 'NOT_AVAILABLE'
  | 'UNANSWERED'
  | 'SESSION_LOST'
  | 'BAD_SOURCE';

export class FileTransferError extends BankProtocolError {
  constructor(
    readonly reason: FileTransferFailure,
    /** The file concerned; for `STEP_REFUSED` the first one the peer named, when it named one we listed. */
    readonly fileName: string | undefined,
    message: string,
    /** The peer's last return code and `Rst/Info`, when it answered. */
    readonly returnCode?: ReturnCode,
    readonly info?: string,
  ) {
    super('FILE_TRANSFER', message);
  }
}
