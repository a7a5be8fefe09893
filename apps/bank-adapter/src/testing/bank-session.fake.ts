import {
  type BusinessRequestName,
  type InstructionCode,
  type MessageHeader,
  type ProtocolMessage,
  type ReplyNameOf,
  type RequestDraft,
  type RequestOptions,
  replyHeader,
  requestHeader,
  type SessionClosed,
  type SessionState,
  type WorkingKeys,
} from '@custody/bank-protocol';
import type { SealedSecret } from '@custody/contracts';
import type { SecretOpener } from '../calls/call-to-message.mapper';
import type { BankSession, BankSessionHandle, SessionSlot, SessionSource } from '../sessions/bank-session';

export const BROKER_ID = '10000001';
export const BANK_CODE = '1021000';
export const PIN_KEY = Buffer.from('0123456789ABCDEF0123456789ABCDEF', 'hex');

type Responder = (draft: RequestDraft) => Promise<ProtocolMessage>;

/** A session that records what it was asked to send and answers as the test says. */
export class FakeBankSession implements BankSessionHandle {
  sessionState: SessionState = 'signed-in';
  workingKeys: WorkingKeys | undefined = { pinKey: PIN_KEY, macKey: Buffer.alloc(16, 7) };
  inFlight = 0;
  queued = 0;
  readonly closed: Promise<SessionClosed>;
  readonly sent: RequestDraft[] = [];
  readonly sendOptions: RequestOptions[] = [];
  keySyncs = 0;
  signOffs = 0;
  respond: Responder = () => Promise.reject(new Error('no responder set'));
  keySyncResult: () => Promise<WorkingKeys> = async () => this.workingKeys ?? { pinKey: PIN_KEY, macKey: PIN_KEY };
  private resolveClosed!: (closed: SessionClosed) => void;

  constructor() {
    this.closed = new Promise((resolve) => (this.resolveClosed = resolve));
  }

  request<N extends BusinessRequestName>(draft: RequestDraft<N>, options: RequestOptions = {}): Promise<ProtocolMessage<ReplyNameOf<N>>> {
    this.sent.push(draft as RequestDraft);
    this.sendOptions.push(options);
    // Counted like ProtocolConnection does, so the source sees a session fill up and free again.
    this.inFlight += 1;
    const reply = this.respond(draft as RequestDraft);
    const settled = (): void => {
      this.inFlight -= 1;
    };
    void reply.then(settled, settled);
    return reply as Promise<ProtocolMessage<ReplyNameOf<N>>>;
  }

  synchronizeKeys(): Promise<WorkingKeys> {
    this.keySyncs += 1;
    return this.keySyncResult();
  }

  async signOff(): Promise<string> {
    this.signOffs += 1;
    this.drop('signed off');
    return '0000';
  }

  destroy(reason = 'destroyed'): void {
    this.drop(reason);
  }

  drop(reason: string): void {
    if (this.sessionState === 'closed') return;
    this.sessionState = 'closed';
    this.resolveClosed({ reason });
  }
}

/**
 * A pool of given sessions; `acquire` returns the first signed-in one with room under
 * `maxInFlightPerSession` (unlimited unless a test is about the limit), `busy` when none has room.
 */
export class FakeSessionSource implements SessionSource {
  constructor(
    readonly sessions: BankSession[] = [],
    readonly maxInFlightPerSession = Number.POSITIVE_INFINITY,
  ) {}

  static with(connection: BankSessionHandle, id = 's0-test', maxInFlightPerSession = Number.POSITIVE_INFINITY): FakeSessionSource {
    return new FakeSessionSource([{ id, slot: 0, since: new Date(), connection }], maxInFlightPerSession);
  }

  acquire(): SessionSlot {
    const up = this.sessions.filter((s) => s.connection.sessionState === 'signed-in');
    if (up.length === 0) return { kind: 'none' };
    const free = up.find((s) => s.connection.queued === 0 && s.connection.inFlight < this.maxInFlightPerSession);
    return free ? { kind: 'ready', session: free } : { kind: 'busy' };
  }

  find(sessionId: string): BankSession | undefined {
    return this.sessions.find((s) => s.id === sessionId);
  }
}

/** "Seals" by prefixing, so tests can see which secret was opened; `broken` cannot be opened. */
export const fakeSecrets: SecretOpener & { seal(clear: string): SealedSecret } = {
  seal: (clear) => ({ sealed: `sealed:${clear}` }),
  open: (secret) => {
    if (!secret.sealed.startsWith('sealed:')) throw new Error('authentication tag mismatch');
    return secret.sealed.slice('sealed:'.length);
  },
};

/** The header of a bank reply to a request we sent with `serial`. */
export function bankReplyHeaderFor(instrCd: InstructionCode, serial: string, bankSerial: string): MessageHeader {
  const request = requestHeader({ side: 'S', localInstId: BROKER_ID, peerInstId: BANK_CODE }, instrCd, serial, new Date());
  return replyHeader(request, { side: 'B', localInstId: BANK_CODE }, bankSerial, new Date());
}
