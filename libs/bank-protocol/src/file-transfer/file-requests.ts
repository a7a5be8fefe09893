import type { ProtocolMessage, ReplyNameOf } from '../message-registry';
import type { RequestDraft, RequestOptions } from '../protocol-connection';
import { ConnectionClosedError, ReplyTimeoutError, SessionStateError, UnexpectedReplyError } from '../protocol-errors';
import { type ProtocolSide, type ReturnCode, type SideCondition, sideReturnCode } from '../return-codes';
import { FileTransferError } from './file-transfer-error';

/** The requests the file engine sends: file operations (13006–13009) and day-end data ready (13005). */
export type FileRequestName = 'File.001.01' | 'Stmt.003.01';

/**
 * What the engine needs of a session: `ProtocolConnection.request`. The adapter may pass a session of
 * its pool, the simulator the session the broker signed in on.
 */
export interface FileRequester {
  request<N extends FileRequestName>(draft: RequestDraft<N>, options?: RequestOptions): Promise<ProtocolMessage<ReplyNameOf<N>>>;
}

/** Bounds every request the engine sends; see `FileSender`/`FileFetcher` for what each bound means. */
export interface FileRequestLimits {
  /** A request unanswered (or answered unreadably) is sent again this many times in all; default 3. */
  readonly attemptsPerRequest?: number;
  /** Per request; default the session's `requestTimeoutMs`. */
  readonly requestTimeoutMs?: number;
}

export const DEFAULT_ATTEMPTS_PER_REQUEST = 3;

function otherSide(side: ProtocolSide): ProtocolSide {
  return side === 'S' ? 'B' : 'S';
}

/** The code the peer answers a condition with: a broker's engine hears the bank's codes, and the reverse. */
export function peerReturnCode(localSide: ProtocolSide, condition: SideCondition): ReturnCode {
  return sideReturnCode(condition, otherSide(localSide));
}

/**
 * Sends one request, again when it goes unanswered. Every file request can be repeated safely: a
 * 13008 restarts its file, a chunk re-sent with the same `StPos` is written once (profile §5), and
 * 13005/13006/13007 change nothing. Each attempt takes a new serial: it is a new request.
 */
export async function requestWithRetries<N extends FileRequestName>(
  requester: FileRequester,
  draft: RequestDraft<N>,
  limits: FileRequestLimits,
  context: { readonly fileName: string | undefined; readonly what: string },
): Promise<ProtocolMessage<ReplyNameOf<N>>> {
  const attempts = Math.max(1, limits.attemptsPerRequest ?? DEFAULT_ATTEMPTS_PER_REQUEST);
  const options = limits.requestTimeoutMs === undefined ? {} : { timeoutMs: limits.requestTimeoutMs };
  for (let attempt = 1; ; attempt += 1) {
    try {
      return await requester.request(draft, options);
    } catch (error) {
      const unanswered = error instanceof ReplyTimeoutError || error instanceof UnexpectedReplyError;
      if (unanswered && attempt < attempts) continue;
      if (unanswered) {
        throw new FileTransferError('UNANSWERED', context.fileName, `${context.what} unanswered after ${attempts} attempt(s): ${error.message}`);
      }
      if (error instanceof ConnectionClosedError || error instanceof SessionStateError) {
        throw new FileTransferError('SESSION_LOST', context.fileName, `${context.what}: ${error.message}`);
      }
      throw error;
    }
  }
}
