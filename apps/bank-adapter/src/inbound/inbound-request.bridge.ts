import { randomUUID } from 'node:crypto';
import type { InboundRequest, ReplyDraft, WorkingKeys } from '@custody/bank-protocol';
import { bankAccountRequestReceived, bankRequestReceived, type SealedSecret } from '@custody/contracts';
import type { BusinessCalendar, Release } from '@custody/service-kit';
import { type AdapterLogger, describeError } from '../platform/adapter-logger';
import type { EnvelopePublisher } from '../platform/envelope.publisher';
import type { InboundAdmission } from './inbound-admission';
import { type FundPasswordChecker, fundPasswordAttempt, FundPasswordServiceUnavailable, verifyFundPassword } from './fund-password.verifier';
import {
  accountRequestReceivedPayload,
  type BankReplyReady,
  classifyInbound,
  type FundPasswordCheck,
  type FundPasswordInput,
  type InboundForward,
  isAccountServiceRequest,
  refusalReply,
  replyFor,
  requestReceivedPayload,
  SYSTEM_ERROR,
} from './inbound-request.mapper';

export interface InboundBridgeSettings {
  readonly bankCode: string;
  /** Ours (`LocalInstId`): the issuer of our serials in the references our replies carry. */
  readonly brokerInstId: string;
  /** Random per process: replies name it, so only this process writes them. */
  readonly instanceId: string;
  /** The bank's `replyDeadlineMs`: after it the bank may treat its request as UNKNOWN. */
  readonly replyDeadlineMs: number;
  /** After this the request is forgotten; its reply, if it ever comes, is reported as lost. */
  readonly abandonAfterMs: number;
}

export interface InboundBridgeDependencies {
  readonly publisher: EnvelopePublisher;
  readonly calendar: BusinessCalendar;
  readonly logger: AdapterLogger;
  /** Whether the session still holds its connection; a reply for a gone session cannot be written. */
  readonly sessionAlive: (sessionId: string) => boolean;
  /** The account service's fund password check; without it 12002, 11008, 11001 and an 11007 with a password from the bank are not offered (2033). */
  readonly fundPasswords?: FundPasswordChecker;
  /** Seals the ID numbers of 11001, 11003, 11005, 11006, 11007 and 11010 for Kafka; without it those from the bank are not offered (2033). */
  readonly sealer?: { seal(clear: string): SealedSecret };
  /** Refuses the bank's new transfers beyond what is answered in time (2041); without it every request is taken. */
  readonly admission?: InboundAdmission;
  readonly newId?: () => string;
  readonly clock?: () => Date;
}

interface PendingRequest {
  readonly inboundId: string;
  readonly sessionId: string;
  readonly requestKey: string;
  readonly request: InboundForward;
  /** When the library handed the request over, just read and decoded off the session. */
  readonly receivedAt: Date;
  readonly reply: Promise<ReplyDraft>;
  readonly resolve: (reply: ReplyDraft) => void;
  readonly timers: NodeJS.Timeout[];
  /** Its admission slot: freed when it is settled, with how long it took when it was answered (or given up on). */
  readonly release: Release;
}

interface LostRequest {
  readonly sessionId: string;
  readonly bankSerialNo: string;
  readonly why: string;
}

/** Enough to recognise late replies of the last hours; older ones are still logged, with less detail. */
const LOST_REMEMBERED = 1_000;

/**
 * Bank-initiated requests (profile §1: a request arrives on a session and its reply must return on
 * that same session). The request crosses Kafka to its owner (`bankRequestReceived`); the session's
 * handler waits, in memory, for the owner's answer (`bankReplyReady`), which resolves it and so lets the
 * library write the reply on the connection that carried the request.
 *
 * Nothing here ever answers for the owner: without its answer the bank gets none and treats its
 * request as UNKNOWN (it then reverses, F-4.3 B). Answering with a guessed failure could contradict a
 * credit the owner has already booked. The adapter's own answers are for requests it never forwarded, so nothing has
 * changed: 2041 for a 12002, 11008, 11001 or 11007 whose fund password could not be verified, and 2041 for a new
 * transfer beyond what the broker answers in time (inbound-admission.ts).
 */
export class InboundRequestBridge {
  private readonly pending = new Map<string, PendingRequest>();
  private readonly byRequest = new Map<string, PendingRequest>();
  private readonly lost = new Map<string, LostRequest>();
  private readonly newId: () => string;
  private readonly clock: () => Date;

  constructor(
    private readonly settings: InboundBridgeSettings,
    private readonly deps: InboundBridgeDependencies,
  ) {
    this.newId = deps.newId ?? randomUUID;
    this.clock = deps.clock ?? (() => new Date());
  }

  get pendingCount(): number {
    return this.pending.size;
  }

  /** The protocol library's request handler for one session. */
  handlerFor(sessionId: string): (request: InboundRequest, connection: { readonly workingKeys: WorkingKeys | undefined }) => Promise<ReplyDraft> {
    // The PIN key in force when the request was read is the one its PIN block was made with (profile §2).
    return (request, connection) => this.handle(sessionId, request, connection.workingKeys?.pinKey);
  }

  /** `pinKey`: the session's PIN key, needed only to read the fund password of a 12002, an 11008, an 11001 or an 11007. */
  handle(sessionId: string, inbound: InboundRequest, pinKey?: Buffer): Promise<ReplyDraft> {
    const header = inbound.message.body.MsgHdr;
    const decision = classifyInbound(inbound.message, { fundPasswords: this.deps.fundPasswords !== undefined, sealing: this.deps.sealer !== undefined });
    if (decision.kind === 'refuse') {
      this.deps.logger.info(
        { sessionId, instrCd: header.InstrCd, bankSerialNo: header.Ref.Ref, returnCode: decision.returnCode, why: decision.why },
        'bank-initiated request answered by the adapter',
      );
      return Promise.resolve(decision.reply);
    }
    const request = decision.request;
    const requestKey = `${sessionId}|${request.requestRef.issuerId}|${request.requestRef.serialNo}`;
    const waiting = this.byRequest.get(requestKey);
    if (waiting) {
      // A session-level re-send of a request still waiting: one answer serves both (and one password check).
      this.deps.logger.info({ sessionId, inboundId: waiting.inboundId, bankSerialNo: request.requestRef.serialNo }, 'bank repeated a request that is still pending');
      return waiting.reply;
    }
    const release = this.deps.admission ? this.deps.admission.admit(request) : () => undefined;
    if (!release) return Promise.resolve(refusalReply(request.requestName, SYSTEM_ERROR, 'broker busy: not taken, nothing done'));
    const pending = this.track(sessionId, requestKey, request, release);
    void this.forward(pending, pinKey);
    return pending.reply;
  }

  /** The owner's answer. Written only if this process still holds the request and its session. */
  deliver(answer: BankReplyReady): void {
    const pending = this.pending.get(answer.inboundId);
    if (!pending) {
      this.reportLost(answer, this.lost.get(answer.inboundId)?.why ?? 'this instance does not hold the request (restarted, or already answered)');
      return;
    }
    this.settle(pending, this.clock().getTime() - pending.receivedAt.getTime());
    if (!this.deps.sessionAlive(pending.sessionId)) {
      this.remember(pending, 'its session is gone');
      this.reportLost(answer, 'its session is gone');
      return;
    }
    pending.resolve(replyFor(pending.request, answer, this.settings.brokerInstId));
    // One per request: the hot path's log is debug (issue 9); the transfer keeps the record.
    this.deps.logger.debug(
      {
        inboundId: pending.inboundId,
        sessionId: pending.sessionId,
        bankSerialNo: pending.request.requestRef.serialNo,
        serialNo: answer.serialNo,
        returnCode: answer.returnCode,
        elapsedMs: this.clock().getTime() - pending.receivedAt.getTime(),
      },
      'reply to bank-initiated request handed to its session',
    );
  }

  /** Called when a session's connection is gone: its pending requests can no longer be answered. */
  sessionClosed(sessionId: string, reason: string): void {
    for (const pending of [...this.pending.values()]) {
      if (pending.sessionId !== sessionId) continue;
      this.settle(pending);
      this.remember(pending, `its session closed (${reason})`);
      this.deps.logger.error(
        { inboundId: pending.inboundId, sessionId, bankSerialNo: pending.request.requestRef.serialNo, reason },
        'BANK SESSION LOST WITH A BANK REQUEST UNANSWERED: its reply can no longer be written; the bank will treat the request as unknown and reverse it (F-4.3 B)',
      );
    }
  }

  /** Shutdown: gives pending requests up to `timeoutMs` to be answered before sessions sign off. */
  async drain(timeoutMs: number): Promise<void> {
    const until = Date.now() + timeoutMs;
    while (this.pending.size > 0 && Date.now() < until) await new Promise((resolve) => setTimeout(resolve, 50));
  }

  stop(): void {
    for (const pending of this.pending.values()) pending.timers.forEach(clearTimeout);
    this.pending.clear();
    this.byRequest.clear();
  }

  private track(sessionId: string, requestKey: string, request: InboundForward, release: Release): PendingRequest {
    let resolve!: (reply: ReplyDraft) => void;
    const reply = new Promise<ReplyDraft>((done) => (resolve = done));
    const timers: NodeJS.Timeout[] = [];
    const pending: PendingRequest = { inboundId: this.newId(), sessionId, requestKey, request, receivedAt: this.clock(), reply, resolve, timers, release };
    timers.push(setTimeout(() => this.onDeadline(pending), this.settings.replyDeadlineMs));
    timers.push(setTimeout(() => this.onAbandon(pending), this.settings.abandonAfterMs));
    timers.forEach((timer) => timer.unref());
    this.pending.set(pending.inboundId, pending);
    this.byRequest.set(requestKey, pending);
    return pending;
  }

  private async forward(pending: PendingRequest, pinKey: Buffer | undefined): Promise<void> {
    const { bankCode, instanceId } = this.settings;
    const fields = { inboundId: pending.inboundId, sessionId: pending.sessionId, bankSerialNo: pending.request.requestRef.serialNo };
    let fundPassword: FundPasswordCheck | undefined;
    if (pending.request.fundPassword) {
      fundPassword = await this.checkFundPassword(pending, pending.request.fundPassword, pinKey);
      if (fundPassword === undefined) return;
      // Its session may have closed during the check: a request whose reply cannot be written is not started.
      if (this.pending.get(pending.inboundId) !== pending) return;
    }
    try {
      const businessDate = this.deps.calendar.today();
      // The bank's reply deadline runs from when the request was read, not from publishing: the owner must see the time already spent.
      const ids = { inboundId: pending.inboundId, bankCode, adapterInstanceId: instanceId, sessionId: pending.sessionId, businessDate, receivedAt: pending.receivedAt };
      const { request } = pending;
      // Keyed by fund account: it is ledger (or relationship) traffic for its owner (architecture.md), ordered per account.
      const key = request.fundAccountNo || bankCode;
      if (isAccountServiceRequest(request)) {
        const seal = (clear: string): SealedSecret => {
          // classifyInbound offers what carries an ID number only with a sealer; this keeps a future path from sending one in clear.
          if (!this.deps.sealer) throw new Error(`no sealer for the ID number of a ${request.function}`);
          return this.deps.sealer.seal(clear);
        };
        await this.deps.publisher.publish(bankAccountRequestReceived, accountRequestReceivedPayload(request, ids, seal, fundPassword), { key, correlationId: pending.inboundId, businessDate });
      } else {
        await this.deps.publisher.publish(bankRequestReceived, requestReceivedPayload(request, ids, fundPassword), { key, correlationId: pending.inboundId, businessDate });
      }
      this.deps.logger.debug(
        { ...fields, function: request.function, amount: request.amount?.toString(), resend: request.resend, fundPassword },
        'bank-initiated request forwarded to its owner',
      );
    } catch (error) {
      // Not answered: the bank's own timeout turns it into UNKNOWN, which it resolves (query or reversal).
      this.deps.logger.error({ ...fields, error: describeError(error) }, 'bank-initiated request could not be forwarded; the bank will get no reply');
    }
  }

  /**
   * The fund password verdict, or undefined when the account service gave none: then this request is
   * answered 2041 here and never forwarded. Nothing has changed anywhere, so a definite refusal is
   * true; forwarding without a verdict would make the owner refuse it anyway, or guess.
   */
  private async checkFundPassword(pending: PendingRequest, input: FundPasswordInput, pinKey: Buffer | undefined): Promise<FundPasswordCheck | undefined> {
    const { request } = pending;
    const checker = this.deps.fundPasswords;
    const fields = { inboundId: pending.inboundId, sessionId: pending.sessionId, bankSerialNo: request.requestRef.serialNo, fundAccountNo: request.fundAccountNo };
    try {
      // classifyInbound offers 12002, 11008, 11001 and 11007 with a password only with a checker; this keeps a future path from forwarding unverified.
      if (!checker) throw new FundPasswordServiceUnavailable('no account service configured');
      return await verifyFundPassword(input, fundPasswordAttempt(this.settings.bankCode, request.requestRef.serialNo, request.fundAccountNo), pinKey, checker);
    } catch (error) {
      const why = error instanceof FundPasswordServiceUnavailable ? error.message : describeError(error);
      if (this.pending.get(pending.inboundId) !== pending) return undefined;
      this.settle(pending);
      pending.resolve(refusalReply(request.requestName, SYSTEM_ERROR, 'fund password could not be verified'));
      this.deps.logger.error({ ...fields, returnCode: SYSTEM_ERROR, why }, 'fund password could not be verified; the bank was answered 2041 and nothing was forwarded');
      return undefined;
    }
  }

  private onDeadline(pending: PendingRequest): void {
    if (this.pending.get(pending.inboundId) !== pending) return;
    this.deps.logger.warn(
      { inboundId: pending.inboundId, sessionId: pending.sessionId, bankSerialNo: pending.request.requestRef.serialNo, replyDeadlineMs: this.settings.replyDeadlineMs },
      'no answer from the owner within the bank reply deadline; the bank may treat the request as unknown',
    );
  }

  private onAbandon(pending: PendingRequest): void {
    if (this.pending.get(pending.inboundId) !== pending) return;
    // Unanswered this long is the clearest sign of too much in flight.
    this.settle(pending, this.settings.abandonAfterMs);
    this.remember(pending, 'no answer came in time');
    this.deps.logger.error(
      { inboundId: pending.inboundId, sessionId: pending.sessionId, bankSerialNo: pending.request.requestRef.serialNo, waitedMs: this.settings.abandonAfterMs },
      'bank-initiated request abandoned without an answer',
    );
  }

  /** `latencyMs`: how long it took to an answer (or to giving up on one), which teaches admission; none when it ended otherwise. */
  private settle(pending: PendingRequest, latencyMs?: number): void {
    pending.release(latencyMs);
    pending.timers.forEach(clearTimeout);
    this.pending.delete(pending.inboundId);
    if (this.byRequest.get(pending.requestKey) === pending) this.byRequest.delete(pending.requestKey);
  }

  private remember(pending: PendingRequest, why: string): void {
    this.lost.set(pending.inboundId, { sessionId: pending.sessionId, bankSerialNo: pending.request.requestRef.serialNo, why });
    if (this.lost.size > LOST_REMEMBERED) {
      const oldest = this.lost.keys().next();
      if (!oldest.done) this.lost.delete(oldest.value);
    }
  }

  private reportLost(answer: BankReplyReady, why: string): void {
    this.deps.logger.error(
      {
        inboundId: answer.inboundId,
        sessionId: answer.route.sessionId,
        bankSerialNo: answer.route.requestRef.serialNo,
        returnCode: answer.returnCode,
        serialNo: answer.serialNo,
        why,
      },
      'REPLY CANNOT REACH THE BANK: the bank will treat its request as unknown and reverse it (F-4.3 B); the owner answered with this code',
    );
  }
}
