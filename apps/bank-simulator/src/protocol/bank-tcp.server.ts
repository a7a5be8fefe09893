import { type AddressInfo, createServer, type Server, type Socket } from 'node:net';
import { acceptBankSession, BankProtocolError, type ChecksumMode, type RefIssuer, type SessionEvent } from '@custody/bank-protocol';
import type { SimulatorLogger } from '../simulator-logger';
import type { BrokerRequestHandler } from './broker-request.handler';
import type { FaultPlan } from './fault-plan';
import { type BrokerSession, BrokerSessions } from './broker-sessions';
import { ReplyTamperingSocket } from './reply-tampering-socket';

export interface BankEndpointSettings {
  readonly bankCode: string;
  readonly brokerInstId: string;
  readonly tcpHost: string;
  /** 0 picks a free port (tests). */
  readonly tcpPort: number;
  readonly checksumMode: ChecksumMode;
  /** The 16 raw bytes of the exchange key; never logged. */
  readonly exchangeKey: Buffer;
  readonly maxInFlightPerSession: number;
  readonly requestTimeoutMs: number;
}

/**
 * The bank listens, the broker's adapter connects (profile §1). Each connection gets its own
 * session: sign-in checked against the exchange key, then requests both ways.
 */
export class BankTcpServer {
  private server: Server | undefined;
  private bound: AddressInfo | undefined;

  constructor(
    private readonly settings: BankEndpointSettings,
    private readonly sessions: BrokerSessions,
    private readonly handler: BrokerRequestHandler,
    private readonly faults: FaultPlan,
    private readonly serials: RefIssuer,
    private readonly log: SimulatorLogger,
  ) {}

  get address(): AddressInfo | undefined {
    return this.bound;
  }

  get listening(): boolean {
    return this.server?.listening ?? false;
  }

  listen(): Promise<AddressInfo> {
    const server = createServer((socket) => this.accept(socket));
    this.server = server;
    return new Promise((resolve, reject) => {
      server.once('error', reject);
      server.listen(this.settings.tcpPort, this.settings.tcpHost, () => {
        server.off('error', reject);
        server.on('error', (error) => this.log.error({ error: error.message }, 'bank TCP server error'));
        this.bound = server.address() as AddressInfo;
        this.log.info({ bankCode: this.settings.bankCode, host: this.bound.address, port: this.bound.port, checksum: this.settings.checksumMode }, 'bank listening for broker sessions');
        resolve(this.bound);
      });
    });
  }

  close(): Promise<void> {
    const server = this.server;
    this.sessions.destroyAll('bank shutting down');
    if (!server?.listening) return Promise.resolve();
    return new Promise((resolve) => server.close(() => resolve()));
  }

  private accept(socket: Socket): void {
    const refusal = this.faults.takeSessionRefusal();
    if (refusal) {
      this.log.warn({ remote: `${socket.remoteAddress}:${socket.remotePort}`, faultId: refusal.faultId }, 'fault: new broker session refused, connection dropped');
      socket.destroy();
      return;
    }
    socket.setNoDelay(true);
    const tapped = new ReplyTamperingSocket(socket);
    const session = this.sessions.accept(tapped);
    const where = { sessionId: session.sessionId, remote: session.remote };
    this.log.info(where, 'broker connected');
    tapped.once('close', () => this.sessions.remove(session));
    acceptBankSession(tapped, {
      localInstId: this.settings.bankCode,
      peerInstId: this.settings.brokerInstId,
      checksumMode: this.settings.checksumMode,
      exchangeKey: this.settings.exchangeKey,
      refIssuer: this.serials,
      maxInFlight: this.settings.maxInFlightPerSession,
      requestTimeoutMs: this.settings.requestTimeoutMs,
      requestHandler: (request, connection) => this.handler.handle(request, connection, session),
      onEvent: (event) => this.logEvent(session, event),
    }).then(
      (connection) => {
        this.sessions.signedIn(session, connection);
        this.log.info(where, 'broker signed in');
      },
      (error: unknown) => {
        const returnCode = error instanceof BankProtocolError && 'returnCode' in error ? String(error.returnCode) : undefined;
        this.log.warn({ ...where, returnCode, error: error instanceof Error ? error.message : String(error) }, 'broker session not established');
      },
    );
  }

  private logEvent(session: BrokerSession, event: SessionEvent): void {
    const where = { sessionId: session.sessionId };
    switch (event.type) {
      case 'signed-in':
        return;
      case 'heartbeat-sent':
      case 'keys-changed':
      case 'duplicate-dropped':
        this.log.debug({ ...where, event: event.type }, 'session event');
        return;
      case 'package-refused':
        this.log.warn({ ...where, reason: event.reason, returnCode: event.returnCode, detail: event.detail, answered: event.answered }, 'package refused');
        return;
      case 'closed':
        this.log.info({ ...where, reason: event.reason }, 'broker session closed');
        return;
      case 'late-reply':
      case 'unmatched-reply':
        this.log.warn({ ...where, event: event.type, serial: event.serial }, 'reply without a waiting request');
        return;
      default:
        this.log.info({ ...where, ...event, event: event.type }, 'session event');
    }
  }
}
