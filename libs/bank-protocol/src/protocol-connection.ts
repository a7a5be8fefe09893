import { performance } from 'node:perf_hooks';
import type { Duplex } from 'node:stream';
import { type ChecksumMode, computeCheckSum } from './checksum';
import { INSTRUCTION_CODES, type InstructionCode, type YesNo } from './code-lists';
import type { MessageHeader } from './components';
import { encodePackage, FrameDecoder, MAX_MSG_TEXT_BYTES, type PackageType, type ParsedPackage, parsePackage } from './framing';
import { encodeMessage, encodeRefusal, packageTypeOf } from './message-codec';
import { beijingDateTime, type HeaderParties, type RefIssuer, replyHeader, requestHeader } from './message-headers';
import {
  isStandardRequestName,
  type MessageBody,
  type MessageName,
  messageDefinition,
  type ProtocolMessage,
  type ReplyName,
  type ReplyNameOf,
  type RequestName,
  replyNameFor,
} from './message-registry';
import { verifyAndDecode } from './package-codec';
import {
  BankProtocolError,
  ConnectionClosedError,
  type DecodeFailure,
  decodeFailureReturnCode,
  KeySyncRejectedError,
  MessageDecodeError,
  MessageEncodeError,
  ReplyTimeoutError,
  SessionStateError,
  SignInRejectedError,
  UnexpectedReplyError,
} from './protocol-errors';
import {
  ALREADY_SIGNED_IN_CODE,
  isSuccess,
  NOT_SIGNED_IN_CODE,
  type ProtocolSide,
  type ReturnCode,
  SIGN_IN_REFUSED_CODE,
  sideReturnCode,
  SUCCESS_CODE,
} from './return-codes';
import {
  computeAuthData,
  generateWorkingKeys,
  keySyncComponents,
  readKeySyncComponents,
  verifyAuthData,
  type WorkingKeys,
} from './session-keys';
import type { SessionMessage } from './sysm-messages';

/**
 * One session (会话, JR/T 0046 §4.3) on one connection, for either side: the broker's adapter (TCP
 * client, side `S`) and the bank simulator (TCP server, side `B`) run the same machinery.
 *
 * What it owns: framing, SeqNo per direction with gap recovery (profile §3), CheckSum with the
 * session's key state, matching replies by `RltdRef`, pipelining up to `maxInFlight`, heartbeats,
 * key sync, sign-in and sign-off. What it does not own: business idempotency, which stays with the
 * request handler (profile §4), and durable serial numbers, which come from `refIssuer`.
 */

export const DEFAULT_REQUEST_TIMEOUT_MS = 30_000;
export const DEFAULT_HEARTBEAT_INTERVAL_MS = 30_000;
/** Profile §3: a sender keeps at least the last 1,000 packages of a session for re-sending. */
export const DEFAULT_RETAINED_PACKAGES = 1_000;

export type SessionState = 'awaiting-sign-in' | 'signed-in' | 'signing-off' | 'closed';

export type BusinessRequestName = Exclude<RequestName, 'Sysm.001.01'>;
export type BusinessReplyName = Exclude<ReplyName, 'Sysm.002.01'>;
type HeaderlessBody<N extends MessageName> = Omit<MessageBody<N>, 'MsgHdr'>;

/** A request to send; the session writes its `MsgHdr`. `serial` defaults to `refIssuer.next()`. */
export type RequestDraft<N extends BusinessRequestName = BusinessRequestName> = {
  [K in N]: {
    readonly name: K;
    readonly instrCd: InstructionCode;
    /** Give the original serial for a business re-send (`Resend`=`Y`, profile §4 F-4.5). */
    readonly serial?: string;
    /** The header's `LstFrag`, for a file chunk (13009): `N` on every chunk but the last (profile §5). */
    readonly lastFragment?: YesNo;
    readonly body: HeaderlessBody<K>;
  };
}[N];

/** A handler's answer; the session writes its `MsgHdr` (keeping the request's InstrCd and TradSrc). */
export type ReplyDraft<N extends BusinessReplyName = BusinessReplyName> = {
  [K in N]: {
    readonly name: K;
    /** An idempotent handler repeating an earlier reply passes that reply's serial again. */
    readonly serial?: string;
    /** The header's `LstFrag`, on the answer to a chunk request (13007, profile §5). */
    readonly lastFragment?: YesNo;
    readonly body: HeaderlessBody<K>;
  };
}[N];

export interface InboundRequest {
  readonly message: ProtocolMessage<BusinessRequestName>;
  readonly seqNo: number;
  /** Set on a session-level re-send (profile §3); business idempotency still applies. */
  readonly dup: boolean;
}

export type RequestHandler = (request: InboundRequest, connection: ProtocolConnection) => ReplyDraft | Promise<ReplyDraft>;

/** Diagnostics for logs and metrics. Never carries keys or clear passwords. */
export type SessionEvent =
  | { readonly type: 'signed-in' }
  | { readonly type: 'keys-changed' }
  | { readonly type: 'package-refused'; readonly reason: DecodeFailure; readonly returnCode: ReturnCode; readonly detail: string; readonly answered: boolean }
  | { readonly type: 'duplicate-dropped'; readonly seqNo: number }
  | { readonly type: 'sequence-gap'; readonly expected: number; readonly received: number }
  | { readonly type: 'resend-requested'; readonly from: number }
  | { readonly type: 'resend-served'; readonly from: number; readonly to: number }
  | { readonly type: 'sequence-reset'; readonly next: number }
  | { readonly type: 'heartbeat-sent' }
  | { readonly type: 'heartbeat-failed'; readonly detail: string }
  | { readonly type: 'late-reply'; readonly serial: string; readonly message: ProtocolMessage }
  | { readonly type: 'unmatched-reply'; readonly serial: string }
  | { readonly type: 'handler-failed'; readonly detail: string }
  | { readonly type: 'closed'; readonly reason: string };

export interface SessionClosed {
  readonly reason: string;
  readonly error?: BankProtocolError;
}

export interface ProtocolConnectionOptions {
  /** `S` for the broker, `B` for the bank. The `S` side signs in; the `B` side accepts sign-ins. */
  readonly side: ProtocolSide;
  readonly localInstId: string;
  readonly peerInstId: string;
  readonly checksumMode: ChecksumMode;
  /** The 16 raw bytes of the pre-shared exchange key. */
  readonly exchangeKey: Buffer;
  readonly refIssuer: RefIssuer;
  readonly clock?: () => Date;
  /** The bank's `maxInFlightPerSession` (1 = strictly one at a time). Excess requests queue. */
  readonly maxInFlight?: number;
  readonly requestTimeoutMs?: number;
  /** Heartbeat after this long idle in either direction; 0 disables. Injectable for tests. */
  readonly heartbeatIntervalMs?: number;
  /** How many sent packages are kept for re-sending; the profile requires at least 1,000. */
  readonly retainedPackages?: number;
  /** Side `B`: how long a new connection may take to sign in. */
  readonly signInTimeoutMs?: number;
  readonly requestHandler?: RequestHandler;
  readonly onEvent?: (event: SessionEvent) => void;
}

export interface RequestOptions {
  readonly timeoutMs?: number;
}

interface OutboundPackage {
  readonly msgText: Buffer;
  readonly type: PackageType;
  /** Set for a session-level re-send: the original SeqNo, sent with `Dup="Y"` and not retained again. */
  readonly resendSeqNo?: number;
  readonly onWritten?: () => void;
}

interface RetainedPackage {
  readonly msgText: Buffer;
  readonly type: PackageType;
}

interface PendingRequest {
  readonly serial: string;
  readonly replyName: string;
  readonly instrCd: string;
  readonly msgText: Buffer;
  readonly type: PackageType;
  readonly business: boolean;
  readonly timeoutMs: number;
  readonly resolve: (reply: ProtocolMessage) => void;
  readonly reject: (error: BankProtocolError) => void;
  readonly onWritten?: () => void;
  /** Runs synchronously in the receive path, before the next package is looked at. */
  readonly onReply?: (reply: ProtocolMessage) => void;
  /** Runs when no usable reply will come (timeout or unusable reply). */
  readonly onFailure?: () => void;
  dispatched: boolean;
  written: boolean;
  timer?: NodeJS.Timeout;
}

interface SendOptions {
  readonly business: boolean;
  readonly timeoutMs: number;
  readonly onWritten?: () => void;
  readonly onReply?: (reply: ProtocolMessage) => void;
  readonly onFailure?: () => void;
}

const RECENT_SERIALS = 1_000;
const GRACEFUL_CLOSE_MS = 5_000;

function rememberBounded(set: Set<string>, value: string): void {
  set.add(value);
  if (set.size > RECENT_SERIALS) {
    const oldest = set.values().next();
    if (!oldest.done) set.delete(oldest.value);
  }
}

function isBusinessRequest(message: ProtocolMessage): message is ProtocolMessage<BusinessRequestName> {
  return message.name !== 'Sysm.001.01' && messageDefinition(message.name)?.kind === 'request';
}

export class ProtocolConnection {
  /** Resolves once, when the connection is gone; in-flight requests have been rejected by then. */
  readonly closed: Promise<SessionClosed>;
  /** Side `B`: resolves when the peer signed in, rejects when its sign-in was refused. */
  readonly signedIn: Promise<void>;

  private state: SessionState = 'awaiting-sign-in';
  private readonly decoder = new FrameDecoder();
  private readonly clock: () => Date;
  private readonly maxInFlight: number;
  private readonly requestTimeoutMs: number;
  private readonly heartbeatIntervalMs: number;
  private readonly retainedLimit: number;

  private lastSentSeq = 0;
  private expectedSeq = 1;
  private recovering = false;
  private readonly retained = new Map<number, RetainedPackage>();

  private keys: WorkingKeys | undefined;
  private keySyncInFlight = false;
  private writesHeld = false;
  private readonly heldWrites: OutboundPackage[] = [];

  private readonly pending = new Map<string, PendingRequest>();
  private readonly waiting: PendingRequest[] = [];
  private businessInFlight = 0;
  private readonly quietSerials = new Set<string>();
  private readonly expiredSerials = new Set<string>();
  private idleWaiters: Array<() => void> = [];

  private lastSentAt = performance.now();
  private lastReceivedAt = performance.now();
  private heartbeatTimer: NodeJS.Timeout | undefined;
  private heartbeatOutstanding = false;
  private signInTimer: NodeJS.Timeout | undefined;
  private signInStarted = false;

  private resolveClosed!: (closed: SessionClosed) => void;
  private resolveSignedIn!: () => void;
  private rejectSignedIn!: (error: BankProtocolError) => void;

  constructor(
    private readonly socket: Duplex,
    private readonly options: ProtocolConnectionOptions,
  ) {
    this.clock = options.clock ?? (() => new Date());
    this.maxInFlight = Math.max(1, Math.floor(options.maxInFlight ?? 1));
    this.requestTimeoutMs = options.requestTimeoutMs ?? DEFAULT_REQUEST_TIMEOUT_MS;
    this.heartbeatIntervalMs = options.heartbeatIntervalMs ?? DEFAULT_HEARTBEAT_INTERVAL_MS;
    this.retainedLimit = Math.max(0, options.retainedPackages ?? DEFAULT_RETAINED_PACKAGES);
    this.closed = new Promise((resolve) => (this.resolveClosed = resolve));
    this.signedIn = new Promise<void>((resolve, reject) => {
      this.resolveSignedIn = resolve;
      this.rejectSignedIn = reject;
    });
    // Callers that never await `signedIn` (the broker side) must not see an unhandled rejection.
    this.signedIn.catch(() => undefined);

    socket.on('data', (chunk: Buffer | string) => this.onData(typeof chunk === 'string' ? Buffer.from(chunk, 'latin1') : chunk));
    socket.on('error', (error: Error) => this.close(`socket error: ${error.message}`, { graceful: false }));
    socket.on('end', () => this.close('peer ended the connection', { graceful: true }));
    socket.on('close', () => this.close('connection closed', { graceful: false }));

    if (options.side === 'B') {
      const timeout = options.signInTimeoutMs ?? this.requestTimeoutMs;
      this.signInTimer = setTimeout(() => this.close('no sign-in in time', { graceful: false }), timeout);
    }
  }

  get sessionState(): SessionState {
    return this.state;
  }

  get side(): ProtocolSide {
    return this.options.side;
  }

  /** The session's working keys after a key sync; copies, so callers cannot alter the session's. */
  get workingKeys(): WorkingKeys | undefined {
    return this.keys ? { pinKey: Buffer.from(this.keys.pinKey), macKey: Buffer.from(this.keys.macKey) } : undefined;
  }

  get inFlight(): number {
    return this.businessInFlight;
  }

  get queued(): number {
    return this.waiting.length;
  }

  get lastSentSeqNo(): number {
    return this.lastSentSeq;
  }

  get expectedSeqNo(): number {
    return this.expectedSeq;
  }

  /**
   * Sends a business request and resolves with its reply, matched by `RltdRef`. Rejections:
   * `ReplyTimeoutError` (written: outcome UNKNOWN), `ConnectionClosedError` (says whether it was
   * written), `UnexpectedReplyError` (written: UNKNOWN), `SessionStateError` / `MessageEncodeError`
   * (nothing written). A reply with a failure `Rst` resolves: the caller reads the code.
   */
  request<N extends BusinessRequestName>(draft: RequestDraft<N>, options: RequestOptions = {}): Promise<ProtocolMessage<ReplyNameOf<N>>> {
    if (this.state !== 'signed-in') return Promise.reject(new SessionStateError(`cannot send requests while ${this.state}`));
    if (packageTypeOf(draft.name) === 'S') return Promise.reject(new SessionStateError('session messages are sent by the session itself'));
    let message: ProtocolMessage;
    try {
      const serial = draft.serial ?? this.options.refIssuer.next();
      const header = requestHeader(this.parties(), draft.instrCd, serial, this.clock(), draft.lastFragment);
      // The registry pairs `name` with its body type; TypeScript cannot follow a generic spread.
      message = { name: draft.name, body: { ...draft.body, MsgHdr: header } } as unknown as ProtocolMessage;
    } catch (error) {
      return Promise.reject(error instanceof BankProtocolError ? error : new SessionStateError(String(error)));
    }
    return this.send(message, { business: true, timeoutMs: options.timeoutMs ?? this.requestTimeoutMs }) as Promise<
      ProtocolMessage<ReplyNameOf<N>>
    >;
  }

  /** Side `S`: sign in (10001) with `AuthData`. Rejects with `SignInRejectedError` and closes on refusal. */
  async signIn(): Promise<void> {
    if (this.options.side !== 'S') throw new SessionStateError('only the securities side signs in');
    if (this.signInStarted || this.state !== 'awaiting-sign-in') throw new SessionStateError('sign-in already attempted');
    this.signInStarted = true;
    const at = this.clock();
    const { date, time } = beijingDateTime(at);
    const header = requestHeader(this.parties(), INSTRUCTION_CODES.SIGN_IN, this.options.refIssuer.next(), at);
    const authData = computeAuthData(this.options.exchangeKey, this.options.localInstId, date, time);
    let reply: ProtocolMessage;
    try {
      reply = await this.send(
        { name: 'Sysm.001.01', body: { MsgHdr: header, AuthData: authData } },
        { business: false, timeoutMs: this.requestTimeoutMs },
      );
    } catch (error) {
      this.close('sign-in failed', { graceful: false });
      throw error;
    }
    const code = reply.name === 'Sysm.002.01' ? reply.body.Rst.Code : '';
    if (!isSuccess(code)) {
      this.close(`sign-in refused with ${code}`, { graceful: true });
      throw new SignInRejectedError(code, `sign-in refused with ${code}`);
    }
    this.becomeSignedIn();
  }

  /**
   * Key sync (10004) with fresh PIN and MAC keys. Nothing else is written until the reply arrives;
   * the reply is verified with the old keys and every later package uses the new ones.
   */
  async synchronizeKeys(): Promise<WorkingKeys> {
    if (this.state !== 'signed-in') throw new SessionStateError(`cannot synchronise keys while ${this.state}`);
    if (this.keySyncInFlight) throw new SessionStateError('a key sync is already in flight');
    this.keySyncInFlight = true;
    const keys = generateWorkingKeys();
    try {
      const reply = await this.send(this.sessionMessage(INSTRUCTION_CODES.KEY_SYNC, { PwdKey: keySyncComponents(this.options.exchangeKey, keys) }), {
        business: false,
        timeoutMs: this.requestTimeoutMs,
        onWritten: () => {
          this.writesHeld = true;
        },
        onReply: (answer) => {
          if (answer.name === 'Sysm.002.01' && isSuccess(answer.body.Rst.Code)) {
            this.keys = keys;
            this.emit({ type: 'keys-changed' });
          }
          this.releaseWrites();
        },
        // Without a reply neither side knows which keys the other uses: the session cannot go on.
        onFailure: () => this.close('key sync unanswered; key state unknown', { graceful: false }),
      });
      const code = reply.name === 'Sysm.002.01' ? reply.body.Rst.Code : '';
      if (!isSuccess(code)) throw new KeySyncRejectedError(code, `key sync refused with ${code}`);
      return { pinKey: Buffer.from(keys.pinKey), macKey: Buffer.from(keys.macKey) };
    } finally {
      this.keySyncInFlight = false;
    }
  }

  /**
   * Sign-off (10002): new requests are refused at once, requests in flight are allowed to finish,
   * then the sign-off is sent and the connection closed. Resolves with the peer's return code.
   */
  async signOff(): Promise<ReturnCode> {
    if (this.state !== 'signed-in') throw new SessionStateError(`cannot sign off while ${this.state}`);
    this.state = 'signing-off';
    await this.whenIdle();
    if (this.isClosed()) throw new ConnectionClosedError(false, 'closed before sign-off');
    const at = this.clock();
    const { date, time } = beijingDateTime(at);
    const header = requestHeader(this.parties(), INSTRUCTION_CODES.SIGN_OFF, this.options.refIssuer.next(), at);
    const reply = await this.send(
      { name: 'Sysm.001.01', body: { MsgHdr: header, AuthData: computeAuthData(this.options.exchangeKey, this.options.localInstId, date, time) } },
      { business: false, timeoutMs: this.requestTimeoutMs },
    );
    this.close('signed off', { graceful: true });
    return reply.name === 'Sysm.002.01' ? reply.body.Rst.Code : '';
  }

  /** Closes after flushing what is already written. In-flight requests reject as `ConnectionClosedError`. */
  close(reason = 'closed by application', options: { readonly graceful: boolean } = { graceful: true }): void {
    if (this.isClosed()) return;
    this.state = 'closed';
    clearTimeout(this.heartbeatTimer);
    clearTimeout(this.signInTimer);
    for (const pending of this.pending.values()) {
      clearTimeout(pending.timer);
      pending.reject(new ConnectionClosedError(pending.written, reason));
    }
    this.pending.clear();
    this.waiting.length = 0;
    this.heldWrites.length = 0;
    this.businessInFlight = 0;
    this.rejectSignedIn(new ConnectionClosedError(false, reason));
    if (options.graceful) {
      this.socket.end();
      setTimeout(() => this.socket.destroy(), GRACEFUL_CLOSE_MS).unref();
    } else {
      this.socket.destroy();
    }
    this.emit({ type: 'closed', reason });
    this.resolveClosed({ reason });
    this.notifyIdle();
  }

  destroy(reason = 'destroyed by application'): void {
    this.close(reason, { graceful: false });
  }

  // ---- sending ------------------------------------------------------------------------------

  private parties(): HeaderParties {
    return { side: this.options.side, localInstId: this.options.localInstId, peerInstId: this.options.peerInstId };
  }

  private isClosed(): boolean {
    return this.state === 'closed';
  }

  private macKey(): Buffer {
    return this.keys?.macKey ?? this.options.exchangeKey;
  }

  private sessionMessage(instrCd: InstructionCode, fields: Omit<SessionMessage, 'MsgHdr'>): ProtocolMessage<'Sysm.001.01'> {
    const header = requestHeader(this.parties(), instrCd, this.options.refIssuer.next(), this.clock());
    return { name: 'Sysm.001.01', body: { ...fields, MsgHdr: header } };
  }

  private send(message: ProtocolMessage, options: SendOptions): Promise<ProtocolMessage> {
    if (this.isClosed()) return Promise.reject(new ConnectionClosedError(false, 'connection already closed'));
    let msgText: Buffer;
    try {
      msgText = encodeMessage(message);
    } catch (error) {
      return Promise.reject(error);
    }
    if (msgText.length > MAX_MSG_TEXT_BYTES) {
      return Promise.reject(new MessageEncodeError(`message of ${msgText.length} bytes does not fit a package`, message.name));
    }
    const header = message.body.MsgHdr;
    const serial = header.Ref.Ref;
    if (this.pending.has(serial)) return Promise.reject(new SessionStateError(`a request with Ref ${serial} is already in flight`));
    return new Promise<ProtocolMessage>((resolve, reject) => {
      const pending: PendingRequest = {
        serial,
        replyName: replyNameFor(message.name) ?? '',
        instrCd: header.InstrCd,
        msgText,
        type: packageTypeOf(message.name),
        business: options.business,
        timeoutMs: options.timeoutMs,
        resolve,
        reject,
        onWritten: options.onWritten,
        onReply: options.onReply,
        onFailure: options.onFailure,
        dispatched: false,
        written: false,
      };
      this.pending.set(serial, pending);
      if (pending.business && this.businessInFlight >= this.maxInFlight) {
        this.waiting.push(pending);
        return;
      }
      this.dispatch(pending);
    });
  }

  private dispatch(pending: PendingRequest): void {
    pending.dispatched = true;
    if (pending.business) this.businessInFlight += 1;
    this.enqueueWrite({
      msgText: pending.msgText,
      type: pending.type,
      onWritten: () => {
        pending.written = true;
        // The timeout measures the peer's answer, so it starts when the request is on the wire.
        pending.timer = setTimeout(() => this.expire(pending), pending.timeoutMs);
        pending.onWritten?.();
      },
    });
  }

  private pump(): void {
    while (this.businessInFlight < this.maxInFlight && this.waiting.length > 0) {
      const next = this.waiting.shift();
      if (next) this.dispatch(next);
    }
  }

  private settle(pending: PendingRequest): void {
    clearTimeout(pending.timer);
    this.pending.delete(pending.serial);
    if (pending.business && pending.dispatched) {
      this.businessInFlight -= 1;
      this.pump();
    }
    this.notifyIdle();
  }

  private expire(pending: PendingRequest): void {
    if (this.pending.get(pending.serial) !== pending) return;
    this.settle(pending);
    rememberBounded(this.expiredSerials, pending.serial);
    pending.reject(new ReplyTimeoutError(pending.serial, pending.timeoutMs));
    pending.onFailure?.();
  }

  private whenIdle(): Promise<void> {
    const idle = () => this.isClosed() || (this.businessInFlight === 0 && this.waiting.length === 0);
    if (idle()) return Promise.resolve();
    return new Promise((resolve) => {
      const check = () => {
        if (!idle()) return false;
        resolve();
        return true;
      };
      this.idleWaiters.push(() => void check());
    });
  }

  private notifyIdle(): void {
    if (this.idleWaiters.length === 0) return;
    if (!this.isClosed() && (this.businessInFlight > 0 || this.waiting.length > 0)) return;
    const waiters = this.idleWaiters;
    this.idleWaiters = [];
    for (const waiter of waiters) waiter();
  }

  private enqueueWrite(outbound: OutboundPackage): void {
    if (this.isClosed()) return;
    if (this.writesHeld) {
      this.heldWrites.push(outbound);
      return;
    }
    this.writeNow(outbound);
  }

  private releaseWrites(): void {
    this.writesHeld = false;
    while (!this.writesHeld && !this.isClosed() && this.heldWrites.length > 0) {
      const next = this.heldWrites.shift();
      if (next) this.writeNow(next);
    }
  }

  private writeNow(outbound: OutboundPackage): void {
    const seqNo = outbound.resendSeqNo ?? this.lastSentSeq + 1;
    let frame: Buffer;
    try {
      // Signed at write time: a re-sent package gets the CheckSum of the keys in force now.
      frame = encodePackage(outbound.msgText, {
        seqNo,
        type: outbound.type,
        dup: outbound.resendSeqNo !== undefined,
        checkSum: computeCheckSum(this.options.checksumMode, outbound.msgText, this.macKey()),
      });
    } catch (error) {
      this.close(`cannot frame an outbound package: ${error instanceof Error ? error.message : String(error)}`, { graceful: false });
      return;
    }
    if (outbound.resendSeqNo === undefined) {
      this.lastSentSeq = seqNo;
      this.retain(seqNo, outbound);
    }
    this.socket.write(frame);
    this.lastSentAt = performance.now();
    outbound.onWritten?.();
  }

  private retain(seqNo: number, outbound: OutboundPackage): void {
    if (this.retainedLimit === 0) return;
    this.retained.set(seqNo, { msgText: outbound.msgText, type: outbound.type });
    while (this.retained.size > this.retainedLimit) {
      const oldest = this.retained.keys().next();
      if (oldest.done) break;
      this.retained.delete(oldest.value);
    }
  }

  private writeReply(requestName: string, request: MessageHeader, reply: ProtocolMessage, onWritten?: () => void): void {
    let msgText: Buffer;
    try {
      msgText = encodeMessage(reply);
    } catch (error) {
      this.emit({ type: 'handler-failed', detail: error instanceof Error ? error.message : String(error) });
      this.writeRefusal(requestName, request, sideReturnCode('SYSTEM_ERROR', this.options.side), 'internal error');
      return;
    }
    this.enqueueWrite({ msgText, type: packageTypeOf(reply.name), onWritten });
  }

  private replyMessage(
    request: MessageHeader,
    draft: { readonly name: ReplyName; readonly serial?: string; readonly lastFragment?: YesNo; readonly body: object },
  ): ProtocolMessage {
    const parties = { side: this.options.side, localInstId: this.options.localInstId };
    const header = replyHeader(request, parties, draft.serial ?? this.options.refIssuer.next(), this.clock(), draft.lastFragment);
    return { name: draft.name, body: { ...draft.body, MsgHdr: header } } as unknown as ProtocolMessage;
  }

  private sessionReply(request: SessionMessage, code: ReturnCode, info?: string, onWritten?: () => void): void {
    const body = info === undefined ? { Rst: { Code: code } } : { Rst: { Code: code, Info: info } };
    this.writeReply('Sysm.001.01', request.MsgHdr, this.replyMessage(request.MsgHdr, { name: 'Sysm.002.01', body }), onWritten);
  }

  /** Answers a request, typed here or not, with only `MsgHdr` and `Rst`. */
  private writeRefusal(requestName: string, request: MessageHeader, code: ReturnCode, info: string, onWritten?: () => void): void {
    const header = replyHeader(request, { side: this.options.side, localInstId: this.options.localInstId }, this.options.refIssuer.next(), this.clock());
    let msgText: Buffer;
    try {
      msgText = encodeRefusal(requestName, header, { Code: code, Info: info.slice(0, 128) || code });
    } catch {
      return;
    }
    const replyName = replyNameFor(requestName) ?? requestName;
    this.enqueueWrite({ msgText, type: packageTypeOf(replyName), onWritten });
  }

  // ---- receiving ----------------------------------------------------------------------------

  private emit(event: SessionEvent): void {
    try {
      this.options.onEvent?.(event);
    } catch {
      // A failing log sink must not take the session down.
    }
  }

  private onData(chunk: Buffer): void {
    if (this.isClosed()) return;
    let packages: Buffer[];
    try {
      packages = this.decoder.push(chunk);
    } catch (error) {
      this.close(`framing error: ${error instanceof Error ? error.message : String(error)}`, { graceful: false });
      return;
    }
    for (const raw of packages) {
      if (this.isClosed()) return;
      this.onPackage(raw);
    }
  }

  private onPackage(raw: Buffer): void {
    this.lastReceivedAt = performance.now();
    let parsed: ParsedPackage;
    try {
      parsed = parsePackage(raw);
    } catch (error) {
      // Without a trustworthy SeqNo the session's order is lost.
      this.close(`package format error: ${error instanceof Error ? error.message : String(error)}`, { graceful: false });
      return;
    }
    const { seqNo, dup, type } = parsed.attributes;
    if (this.state === 'awaiting-sign-in' && this.options.side === 'B' && seqNo !== this.expectedSeq) {
      this.close(`a session starts with SeqNo ${this.expectedSeq}, got ${seqNo}`, { graceful: false });
      return;
    }
    if (seqNo < this.expectedSeq) {
      if (dup) {
        this.emit({ type: 'duplicate-dropped', seqNo });
        return;
      }
      this.close(`SeqNo ${seqNo} is lower than expected ${this.expectedSeq} without Dup`, { graceful: false });
      return;
    }
    if (seqNo > this.expectedSeq) {
      if (type === 'S' && this.trySequenceReset(parsed)) return;
      this.emit({ type: 'sequence-gap', expected: this.expectedSeq, received: seqNo });
      // §4.3.6.1: ignore what follows the gap and ask once for everything from the first missing one.
      if (!this.recovering) {
        this.recovering = true;
        this.requestResend(this.expectedSeq);
      }
      return;
    }
    this.expectedSeq += 1;
    this.recovering = false;
    this.processPackage(parsed);
  }

  private processPackage(parsed: ParsedPackage): void {
    let message: ProtocolMessage;
    try {
      message = verifyAndDecode(parsed, { localSide: this.options.side, security: { mode: this.options.checksumMode, macKey: this.macKey() } });
    } catch (error) {
      if (error instanceof MessageDecodeError) this.refuse(error);
      else this.close(`unexpected decode failure: ${String(error)}`, { graceful: false });
      return;
    }
    if (this.state === 'awaiting-sign-in' && this.options.side === 'B') {
      this.acceptSignIn(message);
      return;
    }
    const misaddressed = this.misaddressed(message);
    if (misaddressed) {
      this.refuse(misaddressed);
      return;
    }
    if (messageDefinition(message.name)?.kind === 'reply') {
      this.onReply(message);
      return;
    }
    if (message.name === 'Sysm.001.01') {
      this.onSessionMessage(message.body, parsed);
      return;
    }
    if (isBusinessRequest(message)) this.onBusinessRequest(message, parsed);
  }

  /**
   * Profile §1: `Sender` and `Recver` name the two parties of this session. A package naming anyone else
   * was not meant for this session (misrouted or forged) and takes no effect. (A sign-in is checked
   * by `acceptSignIn`, which refuses it with 1040.)
   */
  private misaddressed(message: ProtocolMessage): MessageDecodeError | undefined {
    const header = message.body.MsgHdr;
    const [reason, element, expected] =
      header.Recver.InstId !== this.options.localInstId
        ? (['WRONG_RECEIVER', 'Recver', this.options.localInstId] as const)
        : header.Sender.InstId !== this.options.peerInstId
          ? (['WRONG_SENDER', 'Sender', this.options.peerInstId] as const)
          : [undefined, '', ''];
    if (reason === undefined) return undefined;
    const found = header[element].InstId;
    // The refusal goes back on this session, so it is addressed to this session's peer, whoever the header claims sent it.
    const answerTo = { ...header, Sender: { ...header.Sender, InstId: this.options.peerInstId } };
    return new MessageDecodeError(
      reason,
      decodeFailureReturnCode(reason, this.options.side),
      `${element} ${found} is not this session's ${expected}`,
      `${message.name}/MsgHdr/${element}/InstId`,
      message.name,
      answerTo,
    );
  }

  /** A refused package takes no effect; a refused request is answered when its header is readable. */
  private refuse(error: MessageDecodeError): void {
    const { messageName, header } = error;
    const closeAfter = this.state === 'awaiting-sign-in' && this.options.side === 'B';
    const answerable = messageName !== undefined && header !== undefined && isStandardRequestName(messageName);
    this.emit({ type: 'package-refused', reason: error.reason, returnCode: error.returnCode, detail: error.message, answered: answerable });
    if (closeAfter) this.rejectSignedIn(new SignInRejectedError(error.returnCode, `sign-in refused: ${error.message}`));
    if (answerable) {
      const onWritten = closeAfter ? () => this.close('sign-in refused', { graceful: true }) : undefined;
      this.writeRefusal(messageName, header, error.returnCode, `${error.reason} ${error.path ?? ''}`.trim(), onWritten);
      return;
    }
    if (closeAfter) {
      this.close('sign-in refused', { graceful: false });
      return;
    }
    // A reply we cannot use: its request was written, so its outcome is now UNKNOWN.
    const serial = header?.RltdRef?.Ref;
    const pending = serial === undefined ? undefined : this.pending.get(serial);
    if (pending?.dispatched) {
      this.settle(pending);
      pending.reject(new UnexpectedReplyError(pending.serial, `reply refused: ${error.message}`));
      pending.onFailure?.();
    }
  }

  private onReply(message: ProtocolMessage): void {
    const serial = message.body.MsgHdr.RltdRef?.Ref ?? '';
    if (this.quietSerials.delete(serial)) return;
    const pending = this.pending.get(serial);
    if (!pending || !pending.dispatched) {
      if (this.expiredSerials.has(serial)) this.emit({ type: 'late-reply', serial, message });
      else this.emit({ type: 'unmatched-reply', serial });
      return;
    }
    this.settle(pending);
    if (message.name !== pending.replyName || message.body.MsgHdr.InstrCd !== pending.instrCd) {
      pending.reject(new UnexpectedReplyError(serial, `expected ${pending.replyName} for ${pending.instrCd}, got ${message.name} for ${message.body.MsgHdr.InstrCd}`));
      pending.onFailure?.();
      return;
    }
    pending.onReply?.(message);
    pending.resolve(message);
  }

  private acceptSignIn(message: ProtocolMessage): void {
    if (message.name !== 'Sysm.001.01' || message.body.MsgHdr.InstrCd !== INSTRUCTION_CODES.SIGN_IN) {
      const header = message.body.MsgHdr;
      this.rejectSignedIn(new SignInRejectedError(NOT_SIGNED_IN_CODE, `expected a sign-in, got ${message.name} ${header.InstrCd}`));
      if (isStandardRequestName(message.name)) {
        this.writeRefusal(message.name, header, NOT_SIGNED_IN_CODE, 'sign in first', () => this.close('not signed in', { graceful: true }));
      } else {
        this.close('not signed in', { graceful: false });
      }
      return;
    }
    const body = message.body;
    const header = body.MsgHdr;
    const accepted =
      header.Sender.InstType === 'S' &&
      header.Sender.InstId === this.options.peerInstId &&
      header.Recver.InstId === this.options.localInstId &&
      verifyAuthData(this.options.exchangeKey, header.Sender.InstId, header.Date ?? '', header.Time ?? '', body.AuthData ?? '');
    if (!accepted) {
      this.rejectSignedIn(new SignInRejectedError(SIGN_IN_REFUSED_CODE, 'sign-in refused: AuthData or institution does not match'));
      this.sessionReply(body, SIGN_IN_REFUSED_CODE, 'sign-in refused', () => this.close('sign-in refused', { graceful: true }));
      return;
    }
    this.sessionReply(body, SUCCESS_CODE);
    this.becomeSignedIn();
  }

  private becomeSignedIn(): void {
    clearTimeout(this.signInTimer);
    this.state = 'signed-in';
    this.resolveSignedIn();
    this.emit({ type: 'signed-in' });
    if (this.heartbeatIntervalMs > 0) this.armHeartbeat(this.heartbeatIntervalMs);
  }

  private onSessionMessage(body: SessionMessage, parsed: ParsedPackage): void {
    const side = this.options.side;
    switch (body.MsgHdr.InstrCd) {
      case INSTRUCTION_CODES.SIGN_IN:
        this.sessionReply(body, side === 'B' ? ALREADY_SIGNED_IN_CODE : sideReturnCode('TRANSACTION_NOT_ENABLED', side), 'session already signed in');
        return;
      case INSTRUCTION_CODES.SIGN_OFF: {
        const header = body.MsgHdr;
        if (!verifyAuthData(this.options.exchangeKey, header.Sender.InstId, header.Date ?? '', header.Time ?? '', body.AuthData ?? '')) {
          this.sessionReply(body, sideReturnCode('MAC_ERROR', side), 'sign-off AuthData does not verify');
          return;
        }
        this.state = 'signing-off';
        this.sessionReply(body, SUCCESS_CODE, undefined, () => this.close('signed off by peer', { graceful: true }));
        return;
      }
      case INSTRUCTION_CODES.HEARTBEAT:
        this.sessionReply(body, SUCCESS_CODE);
        return;
      case INSTRUCTION_CODES.KEY_SYNC:
        this.applyKeySync(body);
        return;
      case INSTRUCTION_CODES.RESEND_REQUEST: {
        const [from, to] = body.SeqNo ?? [0, 0];
        this.serveResend(from, to);
        this.sessionReply(body, SUCCESS_CODE);
        return;
      }
      case INSTRUCTION_CODES.SEQUENCE_RESET: {
        const next = body.SeqNo?.[0] ?? 0;
        if (next <= parsed.attributes.seqNo) {
          this.sessionReply(body, sideReturnCode('MESSAGE_FORMAT_ERROR', side), 'sequence reset must move forward');
          return;
        }
        this.expectedSeq = next;
        this.emit({ type: 'sequence-reset', next });
        this.sessionReply(body, SUCCESS_CODE);
        return;
      }
      default:
        this.sessionReply(body, sideReturnCode('NO_SUCH_TRANSACTION', side), `InstrCd ${body.MsgHdr.InstrCd}`);
    }
  }

  /** Receiving side of a key sync: answer with the old keys, switch right after that answer is written. */
  private applyKeySync(body: SessionMessage): void {
    let keys: WorkingKeys;
    try {
      keys = readKeySyncComponents(this.options.exchangeKey, body.PwdKey ?? []);
    } catch {
      this.sessionReply(body, sideReturnCode('KEY_GENERATION_FAILED', this.options.side), 'key sync could not be read');
      return;
    }
    this.sessionReply(body, SUCCESS_CODE, undefined, () => {
      this.keys = keys;
      this.emit({ type: 'keys-changed' });
    });
  }

  /** Accepts a forward sequence reset (10006) that arrives past a gap: it is exempt from the gap rule. */
  private trySequenceReset(parsed: ParsedPackage): boolean {
    let message: ProtocolMessage;
    try {
      message = verifyAndDecode(parsed, { localSide: this.options.side, security: { mode: this.options.checksumMode, macKey: this.macKey() } });
    } catch {
      return false;
    }
    if (message.name !== 'Sysm.001.01' || message.body.MsgHdr.InstrCd !== INSTRUCTION_CODES.SEQUENCE_RESET) return false;
    const next = message.body.SeqNo?.[0] ?? 0;
    if (next <= parsed.attributes.seqNo) return false;
    this.expectedSeq = next;
    this.recovering = false;
    this.emit({ type: 'sequence-reset', next });
    this.sessionReply(message.body, SUCCESS_CODE);
    return true;
  }

  private requestResend(from: number): void {
    const message = this.sessionMessage(INSTRUCTION_CODES.RESEND_REQUEST, { SeqNo: [from, 0] });
    rememberBounded(this.quietSerials, message.body.MsgHdr.Ref.Ref);
    this.emit({ type: 'resend-requested', from });
    this.enqueueWrite({ msgText: encodeMessage(message), type: 'S' });
  }

  /**
   * Re-sends business packages with `Dup="Y"`. Session packages (heartbeats, key syncs, re-send
   * requests, sign-in) are never replayed — replaying a key sync or sign-in would be wrong — and
   * neither can packages no longer retained: each such run is covered by one sequence reset (10006)
   * sent in its place with `Dup="Y"`, whose `SeqNo` is the next number to expect (§4.3.6.2).
   */
  private serveResend(from: number, to: number): void {
    const last = to === 0 ? this.lastSentSeq : Math.min(to, this.lastSentSeq);
    let seq = Math.max(1, from);
    while (seq <= last) {
      const retained = this.retained.get(seq);
      if (retained?.type === 'B') {
        this.enqueueWrite({ msgText: retained.msgText, type: 'B', resendSeqNo: seq });
        seq += 1;
        continue;
      }
      let next = seq + 1;
      while (next <= last && this.retained.get(next)?.type !== 'B') next += 1;
      const reset = this.sessionMessage(INSTRUCTION_CODES.SEQUENCE_RESET, { SeqNo: [next] });
      rememberBounded(this.quietSerials, reset.body.MsgHdr.Ref.Ref);
      this.enqueueWrite({ msgText: encodeMessage(reset), type: 'S', resendSeqNo: seq });
      seq = next;
    }
    this.emit({ type: 'resend-served', from, to: last });
  }

  private onBusinessRequest(message: ProtocolMessage<BusinessRequestName>, parsed: ParsedPackage): void {
    const header = message.body.MsgHdr;
    const side = this.options.side;
    const handler = this.options.requestHandler;
    if (!handler) {
      this.writeRefusal(message.name, header, sideReturnCode('TRANSACTION_NOT_ENABLED', side), 'no handler for this transaction');
      return;
    }
    const expected = replyNameFor(message.name);
    const request: InboundRequest = { message, seqNo: parsed.attributes.seqNo, dup: parsed.attributes.dup };
    Promise.resolve()
      .then(() => handler(request, this))
      .then(
        (reply) => {
          if (this.isClosed()) return;
          if (reply.name !== expected) {
            this.emit({ type: 'handler-failed', detail: `handler answered ${message.name} with ${reply.name}` });
            this.writeRefusal(message.name, header, sideReturnCode('SYSTEM_ERROR', side), 'internal error');
            return;
          }
          this.writeReply(message.name, header, this.replyMessage(header, reply));
        },
        (error: unknown) => {
          this.emit({ type: 'handler-failed', detail: error instanceof Error ? error.message : String(error) });
          if (!this.isClosed()) this.writeRefusal(message.name, header, sideReturnCode('SYSTEM_ERROR', side), 'internal error');
        },
      );
  }

  // ---- heartbeat ----------------------------------------------------------------------------

  private armHeartbeat(delayMs: number): void {
    clearTimeout(this.heartbeatTimer);
    this.heartbeatTimer = setTimeout(() => this.onHeartbeatDue(), Math.max(1, delayMs));
    this.heartbeatTimer.unref();
  }

  /** Profile §2: a heartbeat after `heartbeatIntervalMs` without a package in either direction. */
  private onHeartbeatDue(): void {
    if (this.state !== 'signed-in') return;
    const idleSince = Math.min(this.lastSentAt, this.lastReceivedAt);
    const dueIn = idleSince + this.heartbeatIntervalMs - performance.now();
    if (dueIn > 0) {
      this.armHeartbeat(dueIn);
      return;
    }
    this.armHeartbeat(this.heartbeatIntervalMs);
    if (this.heartbeatOutstanding || this.writesHeld) return;
    this.heartbeatOutstanding = true;
    this.emit({ type: 'heartbeat-sent' });
    this.send(this.sessionMessage(INSTRUCTION_CODES.HEARTBEAT, {}), { business: false, timeoutMs: this.requestTimeoutMs }).then(
      (reply) => {
        this.heartbeatOutstanding = false;
        if (reply.name === 'Sysm.002.01' && !isSuccess(reply.body.Rst.Code)) {
          this.emit({ type: 'heartbeat-failed', detail: `heartbeat answered ${reply.body.Rst.Code}` });
        }
      },
      (error: unknown) => {
        this.heartbeatOutstanding = false;
        if (error instanceof ReplyTimeoutError || error instanceof UnexpectedReplyError) {
          this.emit({ type: 'heartbeat-failed', detail: error.message });
          this.close('heartbeat unanswered', { graceful: false });
        }
      },
    );
  }
}
