import type { ProtocolConnection } from '@custody/bank-protocol';
import type { ReplyTamperingSocket } from './reply-tampering-socket';

/** One accepted connection from the broker's adapter; a session once it signed in (profile §1). */
export interface BrokerSession {
  readonly sessionId: string;
  readonly since: Date;
  readonly remote: string;
  readonly socket: ReplyTamperingSocket;
  connection?: ProtocolConnection;
  signedInAt?: Date;
}

export interface SessionSummary {
  readonly sessionId: string;
  readonly signedIn: boolean;
  readonly since: string;
  readonly remote: string;
}

export class BrokerSessions {
  private readonly open = new Map<string, BrokerSession>();
  private counter = 0;
  private turn = 0;

  constructor(private readonly clock: () => Date = () => new Date()) {}

  accept(socket: ReplyTamperingSocket): BrokerSession {
    this.counter += 1;
    const session: BrokerSession = { sessionId: `session-${this.counter}`, since: this.clock(), remote: socket.remoteAddress, socket };
    this.open.set(session.sessionId, session);
    return session;
  }

  signedIn(session: BrokerSession, connection: ProtocolConnection): void {
    session.connection = connection;
    session.signedInAt = this.clock();
  }

  remove(session: BrokerSession): void {
    this.open.delete(session.sessionId);
  }

  list(): SessionSummary[] {
    return [...this.open.values()].map((s) => ({
      sessionId: s.sessionId,
      signedIn: this.isUsable(s),
      since: (s.signedInAt ?? s.since).toISOString(),
      remote: s.remote,
    }));
  }

  signedInCount(): number {
    return [...this.open.values()].filter((s) => this.isUsable(s)).length;
  }

  /** Bank-initiated requests take turns over the signed-in sessions (requests flow both ways, profile §1). */
  pick(): ProtocolConnection | undefined {
    const usable = [...this.open.values()].filter((s) => this.isUsable(s));
    if (usable.length === 0) return undefined;
    this.turn = (this.turn + 1) % usable.length;
    return usable[this.turn].connection;
  }

  /** Ends every connection, e.g. at shutdown (the broker signs off; the bank just hangs up). */
  destroyAll(reason: string): void {
    for (const session of this.open.values()) {
      if (session.connection) session.connection.destroy(reason);
      else session.socket.destroy();
    }
    this.open.clear();
  }

  private isUsable(session: BrokerSession): boolean {
    return session.connection?.sessionState === 'signed-in';
  }
}
