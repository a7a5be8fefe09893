import { randomUUID } from 'node:crypto';
import type { BankSession, SessionSource } from '../sessions/bank-session';
import { type BankCallOutcomeClass, type BankCallTimings, repliedOutcome, unansweredOutcome } from './bank-call-timing';
import type { BankCall, CallCompletion } from './bank-call.types';
import type { CallBreaker } from './bank-circuit-breaker';
import type { CallClaims, ClaimHolder, StandingClaim } from './call-claims.repository';
import { CallMappingError, callToMessage, type PreparedCall, prepareCall, type SecretOpener } from './call-to-message.mapper';
import { type CallReply, completionBase, replyToCompletion } from './reply-to-completion.mapper';
import { classifySendFailure, NoSessionError, SendBudgetSpentError } from './send-failure.classifier';

export interface ExecutorSettings {
  readonly bankCode: string;
  readonly brokerInstId: string;
  /** The bank's `requestTimeoutMs`: after it, a written request without a reply is NO_REPLY. */
  readonly requestTimeoutMs: number;
  /** This process, named in the claims it makes (for operators reading `call_claims`). */
  readonly instanceId: string;
}

/** Milliseconds on a clock that only moves forward and never jumps: budgets are measured on it, not on the wall clock. */
export type MonotonicClock = () => number;

/** Where a request stands: `handedOver` once a session has it, with its instruction code and when (the monotonic clock). */
interface SendProgress {
  handedOver: boolean;
  instructionCode?: string;
  handedOverAt?: number;
}

export interface ExecutorSeams {
  readonly clock?: MonotonicClock;
  /** Told how long each request handed to a session took (the adapter's metrics). */
  readonly timings?: BankCallTimings;
}

/**
 * How often a call waiting for a session slot looks again without being woken. Our own requests
 * settling wake it at once; this covers what does not (a session signing in, a key roll ending).
 */
const SLOT_RECHECK_MS = 25;

/**
 * Makes one bank call and says how it ended. Exactly one completion per call, and never a guess:
 * REPLIED only with a reply in hand, NOT_SENT only when no copy of the call anywhere can have been
 * written and none ever will be, NO_REPLY otherwise (see `classifySendFailure`).
 *
 * Claims (`CallClaims`): before a request is handed to a session this delivery claims the call. The
 * first claim wins; a delivery that finds another's claim standing writes nothing and answers NO_REPLY
 * (that copy may be at the bank: the saga asks), or NOT_SENT again when the call was fenced off. A
 * delivery answers NOT_SENT only after fencing the call off durably, so a redelivery on any replica can
 * never write what the saga has already failed.
 *
 * Budget (`sendWithinMs`): the request is never handed to a session later than that after the call
 * reached this process, measured on the monotonic clock — a duration, so no other host's clock enters
 * into it. The budget is checked before the breaker (a spent call takes no half-open trial) and again,
 * synchronously, right before the hand-over. The session is only ever one that writes at once
 * (`SessionSource.acquire`): a call waits here, not in the session's own queue, which nobody outside
 * `ProtocolConnection` could empty when the budget runs out.
 */
export class BankCallExecutor {
  private readonly slotFreed = new Wakeup();
  private readonly clock: MonotonicClock;
  private readonly timings: BankCallTimings | undefined;

  constructor(
    private readonly settings: ExecutorSettings,
    private readonly sessions: SessionSource,
    private readonly breaker: CallBreaker,
    private readonly secrets: SecretOpener,
    private readonly claims: CallClaims,
    seams: ExecutorSeams = {},
  ) {
    this.clock = seams.clock ?? (() => performance.now());
    this.timings = seams.timings;
  }

  /** `receivedAt`: when the call reached this process (the monotonic clock); its budget runs from there. */
  async execute(call: BankCall, receivedAt: number = this.clock()): Promise<CallCompletion> {
    const holder: ClaimHolder = { instanceId: this.settings.instanceId, token: randomUUID() };
    const writeBy = receivedAt + call.sendWithinMs;
    // First, before any secret is opened or anything claimed: a spent call goes nowhere whatever it carries.
    const spent = this.budgetSpent(call, writeBy);
    if (spent) return this.notSent(call, holder, spent.message);
    let prepared: PreparedCall;
    try {
      prepared = prepareCall(call, this.secrets);
    } catch (error) {
      if (error instanceof CallMappingError) return this.notSent(call, holder, `call refused by the adapter: ${error.message}`);
      throw error;
    }
    const claim = await this.claims.claimForSending(call, holder);
    if (!claim.won) return this.answerStanding(call, claim.standing);
    // Set once the request is in the session's hands; before that nothing can have been written.
    const progress: SendProgress = { handedOver: false };
    try {
      const reply = await this.breaker.run(() => this.send(call, prepared, writeBy, progress));
      this.timed(progress, repliedOutcome(reply.body.Rst.Code));
      return replyToCompletion(call, reply);
    } catch (error) {
      const failure = classifySendFailure(error, progress.handedOver);
      this.timed(progress, unansweredOutcome(error, failure));
      if (failure.outcome === 'NOT_SENT') return this.notSent(call, holder, failure.reason);
      return { ...completionBase(call), outcome: 'NO_REPLY', reason: failure.reason };
    }
  }

  /** A request that reached a session is timed from the hand-over; one that never did is no bank call. */
  private timed(progress: SendProgress, outcome: BankCallOutcomeClass): void {
    if (progress.handedOverAt === undefined || progress.instructionCode === undefined) return;
    this.timings?.callEnded(progress.instructionCode, outcome, (this.clock() - progress.handedOverAt) / 1000);
  }

  /**
   * NOT_SENT only once the fence stands. Another delivery's standing claim, or a fence that could not be
   * recorded, leaves the call possibly written somewhere: NO_REPLY, and the saga asks the bank.
   */
  private async notSent(call: BankCall, holder: ClaimHolder, reason: string): Promise<CallCompletion> {
    let fenced: boolean;
    try {
      fenced = await this.claims.fenceNotSent(call, holder, reason);
    } catch (error) {
      const why = error instanceof Error ? error.message : String(error);
      return { ...completionBase(call), outcome: 'NO_REPLY', reason: `${reason}; not written here, but the NOT_SENT record could not be made (${why})` };
    }
    if (fenced) return { ...completionBase(call), outcome: 'NOT_SENT', reason };
    return { ...completionBase(call), outcome: 'NO_REPLY', reason: `${reason}; not written here, but an earlier delivery claimed the call and may have written it` };
  }

  /** A repeat delivery writes nothing: it answers from the claim an earlier delivery made. */
  private answerStanding(call: BankCall, standing: StandingClaim): CallCompletion {
    if (standing.state === 'NOT_SENT') {
      return { ...completionBase(call), outcome: 'NOT_SENT', reason: `fenced off by an earlier delivery: ${standing.reason ?? 'not sent'}` };
    }
    return {
      ...completionBase(call),
      outcome: 'NO_REPLY',
      reason: `an earlier delivery (instance ${standing.instanceId}, ${standing.claimedAt.toISOString()}) claimed the call and may have written it; its reply is not known here`,
    };
  }

  /**
   * Waits while every session is busy, but only within the budget. Looking for the session and handing
   * the request over happen in one synchronous stretch: with an `await` between them, two calls could
   * both see the same last free slot, and the session would queue one of them.
   */
  private async send(call: BankCall, prepared: PreparedCall, writeBy: number, progress: SendProgress): Promise<CallReply> {
    for (;;) {
      const slot = this.sessions.acquire();
      if (slot.kind === 'ready') return this.handOver(slot.session, call, prepared, writeBy, progress);
      if (slot.kind === 'none') throw new NoSessionError(this.settings.bankCode);
      const spent = this.budgetSpent(call, writeBy);
      if (spent) throw spent;
      await this.slotFreed.wait(Math.min(SLOT_RECHECK_MS, writeBy - this.clock()));
    }
  }

  private handOver(session: BankSession, call: BankCall, prepared: PreparedCall, writeBy: number, progress: SendProgress): Promise<CallReply> {
    const pinKey = session.connection.workingKeys?.pinKey;
    if (!pinKey) throw new NoSessionError(this.settings.bankCode);
    const draft = callToMessage(prepared, pinKey, this.settings.brokerInstId);
    // The last look at the budget. From here to `request` nothing awaits, and a `ready` session writes the
    // request inside `request` itself, so nothing is written once it is spent. What remains is the transport:
    // bytes already written can sit in socket buffers, or be re-sent at session level (Dup=Y) when the
    // bank reports a SeqNo gap; such a call was handed over and is reported REPLIED or NO_REPLY, never NOT_SENT.
    const spent = this.budgetSpent(call, writeBy);
    if (spent) throw spent;
    progress.handedOver = true;
    progress.instructionCode = draft.instrCd;
    progress.handedOverAt = this.clock();
    const reply = session.connection.request(draft, { timeoutMs: this.settings.requestTimeoutMs });
    // A slot frees when one of the calls settles (woken here) or a file step's request does (the recheck finds it).
    void reply.then(this.slotFreed.wake, this.slotFreed.wake);
    return reply;
  }

  private budgetSpent(call: BankCall, writeBy: number): SendBudgetSpentError | undefined {
    return this.clock() < writeBy ? undefined : new SendBudgetSpentError(call.sendWithinMs);
  }
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
