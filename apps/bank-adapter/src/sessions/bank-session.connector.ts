import { openBrokerSession, type ChecksumMode, type RefIssuer, type RequestHandler, type SessionEvent } from '@custody/bank-protocol';
import { type AdapterLogger } from '../platform/adapter-logger';
import type { BankSessionHandle } from './bank-session';

/** Opens one signed-in session (sign-in and key sync done) or rejects; the pool owns the retrying. */
export interface SessionConnector {
  open(sessionId: string): Promise<BankSessionHandle>;
}

export interface BankEndpoint {
  readonly host: string;
  readonly port: number;
  readonly bankCode: string;
  readonly brokerInstId: string;
  readonly checksumMode: ChecksumMode;
  readonly exchangeKey: Buffer;
  readonly maxInFlight: number;
  readonly requestTimeoutMs: number;
  readonly heartbeatIntervalMs: number;
  readonly connectTimeoutMs: number;
}

/**
 * The production connector: TCP to the bank, sign-in (10001) and key sync (10004) by the protocol
 * library. Each session gets the inbound handler bound to its id, so a bank-initiated request knows
 * which session its reply must go back on (profile §1).
 */
export class ProtocolSessionConnector implements SessionConnector {
  constructor(
    private readonly endpoint: BankEndpoint,
    private readonly refIssuer: RefIssuer,
    private readonly inboundHandler: (sessionId: string) => RequestHandler,
    private readonly logger: AdapterLogger,
  ) {}

  open(sessionId: string): Promise<BankSessionHandle> {
    const e = this.endpoint;
    return openBrokerSession({
      host: e.host,
      port: e.port,
      connectTimeoutMs: e.connectTimeoutMs,
      localInstId: e.brokerInstId,
      peerInstId: e.bankCode,
      checksumMode: e.checksumMode,
      exchangeKey: e.exchangeKey,
      refIssuer: this.refIssuer,
      maxInFlight: e.maxInFlight,
      requestTimeoutMs: e.requestTimeoutMs,
      heartbeatIntervalMs: e.heartbeatIntervalMs,
      requestHandler: this.inboundHandler(sessionId),
      onEvent: (event) => logSessionEvent(this.logger, sessionId, event),
    });
  }
}

/** Session diagnostics, without message bodies (a late reply could quote account data). */
export function logSessionEvent(logger: AdapterLogger, sessionId: string, event: SessionEvent): void {
  switch (event.type) {
    case 'package-refused':
      logger.warn({ sessionId, reason: event.reason, returnCode: event.returnCode, answered: event.answered }, 'bank package refused');
      return;
    case 'sequence-gap':
      logger.warn({ sessionId, expected: event.expected, received: event.received }, 'SeqNo gap from the bank; re-send requested');
      return;
    case 'late-reply':
      logger.warn({ sessionId, serial: event.serial, message: event.message.name }, 'reply arrived after its request timed out (the call was reported NO_REPLY)');
      return;
    case 'unmatched-reply':
      logger.warn({ sessionId, serial: event.serial }, 'reply matches no request of this session');
      return;
    case 'heartbeat-failed':
      logger.warn({ sessionId, detail: event.detail }, 'heartbeat failed');
      return;
    case 'handler-failed':
      logger.error({ sessionId, detail: event.detail }, 'inbound request handler failed; the bank was answered with a system error');
      return;
    case 'closed':
      logger.info({ sessionId, reason: event.reason }, 'bank session closed');
      return;
    case 'signed-in':
    case 'keys-changed':
    case 'duplicate-dropped':
    case 'resend-requested':
    case 'resend-served':
    case 'sequence-reset':
    case 'heartbeat-sent':
      logger.debug({ sessionId, event: event.type }, 'bank session event');
      return;
  }
}
