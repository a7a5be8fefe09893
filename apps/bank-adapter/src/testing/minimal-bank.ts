import { createServer, type AddressInfo, type Server, type Socket } from 'node:net';
import {
  acceptBankSession,
  type ChecksumMode,
  type FileOperation,
  FileReceiver,
  type FileRequest,
  InMemoryFileStore,
  type ProtocolConnection,
  type ProtocolMessage,
  type ReplyDraft,
  type RequestHandler,
  sequentialRefIssuer,
  type TransferSummary,
} from '@custody/bank-protocol';
import type { BankConfig } from '@custody/service-kit';

/** The bank and broker the adapter's integration tests play. */
export const TEST_BANK = { code: '1021000', brokerInstId: '10000001', exchangeKeyHex: '00112233445566778899AABBCCDDEEFF', checksum: 'HMAC-SM3' as ChecksumMode };

/** The custody configuration of the test bank, listening on `port`. */
export function testBankConfig(port: number, requestTimeoutMs: number): BankConfig {
  return {
    code: TEST_BANK.code,
    name: 'Test Bank',
    lead: false,
    host: '127.0.0.1',
    port,
    sessions: 2,
    maxInFlightPerSession: 4,
    checksum: TEST_BANK.checksum,
    exchangeKey: TEST_BANK.exchangeKeyHex,
    requestTimeoutMs,
    replyDeadlineMs: 5_000,
    interestComputedBy: 'BANK',
    acceptsSecuritiesToBankReversal: false,
    transferWindow: { start: '00:00', end: '23:59' },
    summaryAccount: '102100000000000001',
    simulate: false,
  };
}

type BankMode = 'answer' | 'silent';

/**
 * Just enough bank: accepts sign-ins, answers transfers 0000 and reversals `reversalCode` (or stays
 * silent), answers 13010 from `summary`, plays the bank's side of the day files with the protocol library's
 * file engine (our files received into `receivedFiles`, its own in `ownFiles` served to 13006/13007), and
 * can start its own requests.
 */
export class MinimalBank {
  readonly received: Array<ProtocolMessage<'Trf.001.01' | 'Acmt.001.01' | 'Trf.003.01' | 'Trf.005.01'>> = [];
  reversalCode = '0000';
  readonly sessions: ProtocolConnection[] = [];
  mode: BankMode = 'answer';
  /** Transfers whose answer waits for `release` (every transfer while `holdAll`). */
  holdAll = false;
  readonly holdSerials = new Set<string>();
  /** The most transfers ever waiting for their answer at once. */
  maxHeld = 0;
  private readonly held = new Map<string, () => void>();
  private server: Server | undefined;
  private readonly sockets = new Set<Socket>();
  private readonly refs = sequentialRefIssuer(`B${Date.now().toString().slice(-8)}`);
  port = 0;
  /** 13010: the bank's own figures of D (`BkEntry`); the check is 0000 when ours equal them, else 5208. */
  summary: TransferSummary | undefined;
  readonly summaryChecks: Array<ProtocolMessage<'Stmt.001.01'>> = [];
  /** Our files as the bank received them, and the bank's own (served to our 13006/13007). */
  readonly receivedFiles = new InMemoryFileStore();
  readonly ownFiles = new InMemoryFileStore();
  /** Every file request (13005–13009) the bank was sent, in order. */
  readonly fileRequests: FileRequest[] = [];
  /** While set, every 13005 is refused 5208 naming its first file, whatever the bank holds. */
  refuseAnnouncements = false;
  /** A file request this matches is answered only on `releaseFileRequests()` (a step caught mid-file). */
  holdFileRequest: ((request: FileOperation) => boolean) | undefined;
  private heldFileRequests: Array<() => void> = [];
  private readonly fileReceiver = new FileReceiver({ side: 'B', sink: this.receivedFiles, source: this.ownFiles });

  async listen(port = 0): Promise<void> {
    const handler: RequestHandler = (request) => this.answer(request.message);
    this.server = createServer((socket) => {
      this.sockets.add(socket);
      socket.on('close', () => this.sockets.delete(socket));
      acceptBankSession(socket, {
        localInstId: TEST_BANK.code,
        peerInstId: TEST_BANK.brokerInstId,
        checksumMode: TEST_BANK.checksum,
        exchangeKey: Buffer.from(TEST_BANK.exchangeKeyHex, 'hex'),
        refIssuer: this.refs,
        maxInFlight: 4,
        requestTimeoutMs: 10_000,
        heartbeatIntervalMs: 0,
        requestHandler: handler,
      }).then(
        (session) => {
          this.sessions.push(session);
          void session.closed.then(() => this.sessions.splice(this.sessions.indexOf(session), 1));
        },
        () => undefined,
      );
    });
    const server = this.server;
    await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', () => resolve()));
    this.port = (server.address() as AddressInfo).port;
  }

  get heldCount(): number {
    return this.held.size;
  }

  get heldFileRequestCount(): number {
    return this.heldFileRequests.length;
  }

  releaseFileRequests(): void {
    const held = this.heldFileRequests;
    this.heldFileRequests = [];
    for (const release of held) release();
  }

  /** The 13005s the bank was sent, each as the names it listed. */
  announcementsReceived(): string[][] {
    return this.fileRequests.flatMap((request) => (request.name === 'Stmt.003.01' ? [(request.body.FileInfo ?? []).map((file) => file.FileName)] : []));
  }

  /** Answers the held transfer with this serial, or all of them. */
  release(serial?: string): void {
    for (const [heldSerial, answer] of [...this.held]) {
      if (serial !== undefined && heldSerial !== serial) continue;
      this.held.delete(heldSerial);
      answer();
    }
  }

  /** Bytes that are not a package, written on one session's connection as if the bank sent them. */
  writeRaw(bytes: Buffer): void {
    const [socket] = this.sockets;
    socket?.write(bytes);
  }

  /** The bank goes away: no listener, every connection dropped. */
  async close(): Promise<void> {
    const server = this.server;
    this.server = undefined;
    for (const socket of this.sockets) socket.destroy();
    if (server) await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  private async answerFile(message: FileRequest): Promise<ReplyDraft> {
    this.fileRequests.push(message);
    if (message.name === 'Stmt.003.01' && this.refuseAnnouncements) {
      return { name: 'Stmt.004.01', body: { Rst: { Code: '5208', Info: `${message.body.FileInfo?.[0]?.FileName ?? ''}: not received` } } };
    }
    if (message.name === 'File.001.01' && this.holdFileRequest?.(message.body)) await new Promise<void>((resolve) => this.heldFileRequests.push(resolve));
    return this.fileReceiver.handle(message);
  }

  private answerSummary(message: ProtocolMessage<'Stmt.001.01'>): ReplyDraft {
    this.summaryChecks.push(message);
    const ours = message.body.TrfSumStamt?.[0];
    const bank = this.summary;
    const same = ours !== undefined && bank !== undefined && ours.DpstNum === bank.DpstNum && ours.WtdrNum === bank.WtdrNum && ours.DpstAmt.equals(bank.DpstAmt) && ours.WtdrAmt.equals(bank.WtdrAmt);
    return {
      name: 'Stmt.002.01',
      body: { Rst: { Code: '0000' }, RecNum: 1, TrfSumCnfm: [{ ...(bank ? { BkEntry: bank } : {}), ...(ours ? { ScEntry: ours } : {}), ChkRst: { Code: same ? '0000' : '5208' } }] },
    };
  }

  private answer(message: ProtocolMessage): Promise<ReplyDraft> {
    if (this.fileReceiver.handles(message)) return this.answerFile(message);
    if (message.name === 'Stmt.001.01') return Promise.resolve(this.answerSummary(message));
    if (message.name === 'Trf.001.01' || message.name === 'Acmt.001.01' || message.name === 'Trf.003.01' || message.name === 'Trf.005.01') this.received.push(message);
    // A silent bank never answers: the adapter's request timeout has to decide.
    if (this.mode === 'silent') return new Promise<ReplyDraft>(() => undefined);
    if (message.name === 'Trf.003.01') {
      const { CnRef, TrfAmt } = message.body;
      return Promise.resolve({ name: 'Trf.004.01', body: { Rst: { Code: this.reversalCode }, CnRef, TrfAmt } });
    }
    if (message.name !== 'Trf.001.01') return Promise.reject(new Error('this bank only knows transfers'));
    const reply: ReplyDraft = { name: 'Trf.002.01', body: { Rst: { Code: '0000', Info: '交易成功' }, TrfAmt: message.body.TrfAmt } };
    const serial = message.body.MsgHdr.Ref.Ref;
    if (!this.holdAll && !this.holdSerials.has(serial)) return Promise.resolve(reply);
    return new Promise<ReplyDraft>((resolve) => {
      this.held.set(serial, () => resolve(reply));
      this.maxHeld = Math.max(this.maxHeld, this.held.size);
    });
  }
}

