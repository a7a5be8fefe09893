import { InFlightLimiter, type InFlightLimits, type Release } from '@custody/service-kit';
import type { AdapterLogger } from '../platform/adapter-logger';
import type { InboundForward } from './inbound-request.mapper';

const INITIAL_LIMIT = 64;
/** Never fewer: a counter's ordinary traffic is never refused, however slow the hub is. */
const MIN_LIMIT = 16;
const MAX_LIMIT = 1_024;
/** At most one warning this often, however many requests are refused. */
const WARN_EVERY_MS = 10_000;

/**
 * Whether admission may refuse a request: only a new transfer (12001, 12002 not re-sent). A re-send, a reversal or a
 * query is about a transfer the broker may already have booked, and its answer must say what the broker did — a 2041
 * there could tell the bank a booked deposit failed. Account functions are a customer at a counter, a few a minute.
 */
export function sheddable(request: InboundForward): boolean {
  return (request.function === 'BANK_TO_SECURITIES' || request.function === 'SECURITIES_TO_BANK') && !request.resend;
}

const NOT_COUNTED: Release = () => undefined;

/**
 * Sheds the bank's new transfers beyond what the broker answers in time (issue 9, docs/design.md "Load beyond capacity
 * is shed, not queued"): the adapter counts the bank's requests it holds, from when it read one off the session until
 * it writes the owner's answer, and refuses a new transfer beyond the limit at once — 2041 before anything is
 * forwarded, so nothing changed anywhere and the bank's refusal is true. Without it a burst waits in Kafka and is
 * answered after the bank's reply deadline, which the bank then reverses. The limit is learnt as the API's is
 * (InFlightLimiter): it rises while answers come within `targetMs` and falls when they do not. The target guards the
 * bank's deadline (half of it, adapter-settings.ts), not a latency aim: a deposit answered in 800 ms of a 2 s deadline
 * is served, while one refused is a customer at the counter told to try again — measured, a 250 ms target on this
 * hardware refused two thirds of a burst and served fewer than it refused (docs/benchmarks.md).
 */
export class InboundAdmission {
  private readonly limiter: InFlightLimiter;
  private lastWarnedAt = -Infinity;

  constructor(
    private readonly bankCode: string,
    targetMs: number,
    private readonly logger: AdapterLogger,
    private readonly onShed: () => void = () => undefined,
    private readonly now: () => number = () => performance.now(),
  ) {
    const limits: InFlightLimits = { initial: INITIAL_LIMIT, min: MIN_LIMIT, max: MAX_LIMIT, targetMs };
    this.limiter = new InFlightLimiter(() => limits, now);
  }

  /**
   * A slot for `request` (its release takes the latency from read to answer, or nothing when it ended without an
   * answer worth learning from), one that counts nothing for a request that is never shed, or undefined: refuse it.
   */
  admit(request: InboundForward): Release | undefined {
    if (!sheddable(request)) return NOT_COUNTED;
    const release = this.limiter.tryAcquire(this.bankCode);
    if (!release) this.shed(request);
    return release;
  }

  private shed(request: InboundForward): void {
    this.onShed();
    this.logger.debug({ bankCode: this.bankCode, bankSerialNo: request.requestRef.serialNo, function: request.function }, "bank's new transfer answered 2041: too many in flight");
    const now = this.now();
    if (now - this.lastWarnedAt < WARN_EVERY_MS) return;
    this.lastWarnedAt = now;
    this.logger.warn(
      { bankCode: this.bankCode, inFlight: this.limiter.inFlight(this.bankCode), limit: this.limiter.limit(this.bankCode), bankSerialNo: request.requestRef.serialNo },
      "shedding the bank's new transfers: as many in flight as are answered within the target latency (answered 2041, nothing forwarded); if the hub is healthy and the load is expected, add capacity",
    );
  }
}
