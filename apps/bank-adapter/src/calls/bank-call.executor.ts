import type { BankSession, SessionSource } from '../sessions/bank-session';
import type { BankCall, CallCompletion } from './bank-call.types';
import type { CallBreaker } from './bank-circuit-breaker';
import { CallMappingError, callToMessage, type PreparedCall, prepareCall, type SecretOpener } from './call-to-message.mapper';
import { type CallReply, completionBase, replyToCompletion } from './reply-to-completion.mapper';
import { classifySendFailure, NoSessionError, SendByPassedError } from './send-failure.classifier';

export interface ExecutorSettings {
  readonly bankCode: string;
  readonly brokerInstId: string;
  /** The bank's `requestTimeoutMs`: after it, a written request without a reply is NO_REPLY. */
  readonly requestTimeoutMs: number;
}

/**
 * How often a call waiting for a session slot looks again without being woken. Our own requests
 * settling wake it at once; this covers what does not (a session signing in, a key roll ending).
 */
const SLOT_RECHECK_MS = 25;

/**
 * Makes one bank call and says how it ended. Exactly one completion per call, and never a guess:
 * REPLIED only with a reply in hand, NOT_SENT only when nothing can have been written, NO_REPLY
 * otherwise (see `classifySendFailure`).
 *
 * sendBy (bankCallRequested): the request is never handed to a session after the call's `sendBy`;
 * such a call is NOT_SENT. That holds for a redelivered call whose completion record Redis lost, so a
 * call the saga already settled as NOT_SENT can never reach the bank late. The check runs before the
 * breaker (a stale call spends no half-open trial) and again, synchronously, right before the hand-over.
 * The session is only ever one that writes at once (`SessionSource.acquire`): a call waits here, not
 * in the session's own queue, which nobody outside `ProtocolConnection` could empty at sendBy.
 */
export class BankCallExecutor {
  private readonly slotFreed = new Wakeup();

  constructor(
    private readonly settings: ExecutorSettings,
    private readonly sessions: SessionSource,
    private readonly breaker: CallBreaker,
    private readonly secrets: SecretOpener,
    private readonly clock: () => Date = () => new Date(),
  ) {}

  async execute(call: BankCall): Promise<CallCompletion> {
    // First, before any secret is opened: a late call goes nowhere whatever it carries.
    const sendBy = sendByOf(call);
    const late = this.pastSendBy(call, sendBy);
    if (late) return { ...completionBase(call), outcome: 'NOT_SENT', sendByPassed: true, reason: late.message };
    let prepared: PreparedCall;
    try {
      prepared = prepareCall(call, this.secrets);
    } catch (error) {
      if (error instanceof CallMappingError) return { ...completionBase(call), outcome: 'NOT_SENT', reason: `call refused by the adapter: ${error.message}` };
      throw error;
    }
    // Set once the request is in the session's hands; before that nothing can have been written.
    const progress = { handedOver: false };
    try {
      const reply = await this.breaker.run(() => this.send(call, prepared, sendBy, progress));
      return replyToCompletion(call, reply);
    } catch (error) {
      const failure = classifySendFailure(error, progress.handedOver);
      const sendByPassed = error instanceof SendByPassedError ? { sendByPassed: true } : {};
      return { ...completionBase(call), outcome: failure.outcome, ...sendByPassed, reason: failure.reason };
    }
  }

  /**
   * Waits while every session is busy, but only until sendBy. Looking for the session and handing the
   * request over happen in one synchronous stretch: with an `await` between them, two calls could both
   * see the same last free slot, and the session would queue one of them.
   */
  private async send(call: BankCall, prepared: PreparedCall, sendBy: number, progress: { handedOver: boolean }): Promise<CallReply> {
    for (;;) {
      const slot = this.sessions.acquire();
      if (slot.kind === 'ready') return this.handOver(slot.session, call, prepared, sendBy, progress);
      if (slot.kind === 'none') throw new NoSessionError(this.settings.bankCode);
      const late = this.pastSendBy(call, sendBy);
      if (late) throw late;
      await this.slotFreed.wait(Math.min(SLOT_RECHECK_MS, sendBy - this.clock().getTime()));
    }
  }

  private handOver(session: BankSession, call: BankCall, prepared: PreparedCall, sendBy: number, progress: { handedOver: boolean }): Promise<CallReply> {
    const pinKey = session.connection.workingKeys?.pinKey;
    if (!pinKey) throw new NoSessionError(this.settings.bankCode);
    const draft = callToMessage(prepared, pinKey, this.settings.brokerInstId);
    // The last look at the clock. From here to `request` nothing awaits, and a `ready` session writes the
    // request inside `request` itself, so nothing is written after sendBy. What remains is the transport:
    // bytes already written can sit in socket buffers, or be re-sent at session level (Dup=Y) when the
    // bank reports a SeqNo gap; such a call was handed over and is reported REPLIED or NO_REPLY, never NOT_SENT.
    const late = this.pastSendBy(call, sendBy);
    if (late) throw late;
    progress.handedOver = true;
    const reply = session.connection.request(draft, { timeoutMs: this.settings.requestTimeoutMs });
    // Our requests are the only business traffic on these sessions, so a slot frees exactly when one settles.
    void reply.then(this.slotFreed.wake, this.slotFreed.wake);
    return reply;
  }

  private pastSendBy(call: BankCall, sendBy: number): SendByPassedError | undefined {
    const now = this.clock();
    // `sendBy` is the last instant the request may go out; an unreadable one (NaN) never allows it.
    return now.getTime() < sendBy ? undefined : new SendByPassedError(call.sendBy, now);
  }
}

/** Milliseconds since the epoch, NaN when unreadable (the contract's schema should have refused it). */
function sendByOf(call: BankCall): number {
  return Date.parse(call.sendBy);
}

/** Wakes every waiter at once; each then looks for a slot again. */
class Wakeup {
  private readonly waiters = new Set<() => void>();

  readonly wake = (): void => {
    for (const waiter of [...this.waiters]) waiter();
  };

  wait(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const done = (): void => {
        clearTimeout(timer);
        this.waiters.delete(done);
        resolve();
      };
      const timer = setTimeout(done, Math.max(ms, 0));
      this.waiters.add(done);
    });
  }
}
