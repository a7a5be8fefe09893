import type {
  BusinessRequestName,
  ProtocolMessage,
  ReplyNameOf,
  RequestDraft,
  RequestOptions,
  ReturnCode,
  SessionClosed,
  SessionState,
  WorkingKeys,
} from '@custody/bank-protocol';

/**
 * The part of a bank-protocol session the adapter uses. `ProtocolConnection` is the production
 * driver; tests drive the pool and the executor with fakes of this interface.
 */
export interface BankSessionHandle {
  readonly sessionState: SessionState;
  readonly workingKeys: WorkingKeys | undefined;
  readonly inFlight: number;
  readonly queued: number;
  readonly closed: Promise<SessionClosed>;
  request<N extends BusinessRequestName>(draft: RequestDraft<N>, options?: RequestOptions): Promise<ProtocolMessage<ReplyNameOf<N>>>;
  synchronizeKeys(): Promise<WorkingKeys>;
  signOff(): Promise<ReturnCode>;
  destroy(reason?: string): void;
}

/** A signed-in session held by this process. `id` is what reply routes name. */
export interface BankSession {
  readonly id: string;
  readonly slot: number;
  readonly since: Date;
  readonly connection: BankSessionHandle;
}

/**
 * What `acquire` found:
 * - `ready`: a signed-in session that writes a request handed to it at once;
 * - `busy`: sessions are up, but each would hold the request back (at its in-flight limit, or
 *   rolling its keys, when nothing is written until the key sync is answered);
 * - `none`: no signed-in session (the call is then NOT_SENT).
 */
export type SessionSlot = { readonly kind: 'ready'; readonly session: BankSession } | { readonly kind: 'busy' } | { readonly kind: 'none' };

/** Where calls find a session to go out on. */
export interface SessionSource {
  /**
   * Never hands out a session that would queue the request. `ProtocolConnection` queues what is past
   * its in-flight limit, and holds writes during a key sync, with no way to withdraw a request from
   * outside; a request queued there could be written after its call's sendBy. The caller waits for
   * `ready` instead, where it can still give up at sendBy.
   */
  acquire(): SessionSlot;
  find(sessionId: string): BankSession | undefined;
}

export interface SessionView {
  readonly sessionId: string;
  readonly slot: number;
  readonly since: string;
  readonly inFlight: number;
  readonly queued: number;
}
