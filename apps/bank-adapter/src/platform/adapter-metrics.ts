import { Counter, Gauge, Histogram, type Registry } from 'prom-client';
import type { BankCallOutcomeClass, BankCallTimings } from '../calls/bank-call-timing';
import type { BreakerState } from '../calls/bank-circuit-breaker';
import type { AdapterStatus } from '../http/adapter-status';

/** `custody_bank_breaker_state`: 0 closed, 1 half-open, 2 open — so `max` over replicas is the worst of them. */
export function breakerStateValue(state: BreakerState): 0 | 1 | 2 {
  switch (state) {
    case 'CLOSED':
      return 0;
    case 'HALF_OPEN':
      return 1;
    case 'OPEN':
      return 2;
  }
}

/**
 * From the fastest reply the pipelining allows to the longest request timeout a bank is given (requestTimeoutMs,
 * seconds in production): a timeout lands in the bucket of its own length.
 */
const CALL_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2, 5, 10, 30];

/**
 * A bank adapter's own metrics (docs/design.md "Metrics"); its process labels carry the bank. Each request handed to a
 * session is observed once (a histogram observation, nothing else); the breaker and the sessions are read when scraped,
 * from the same status `/health` and the reports behind `GET /v1/banks` come from.
 */
export class AdapterMetrics implements BankCallTimings {
  private readonly calls: Histogram<'bank' | 'function' | 'outcome'>;
  private readonly shed: Counter<'bank'>;

  constructor(
    private readonly registry: Registry,
    private readonly bankCode: string,
  ) {
    this.calls = new Histogram({
      name: 'custody_bank_call_duration_seconds',
      help: 'One request to the bank over its session, from the hand-over to the reply (or its end without one), by instruction code and outcome class.',
      labelNames: ['bank', 'function', 'outcome'],
      buckets: CALL_BUCKETS,
      registers: [registry],
    });
    this.shed = new Counter({
      name: 'custody_bank_requests_shed_total',
      help: "The bank's new transfers this adapter process refused at once (2041, nothing forwarded): more were in flight than are answered within the target latency.",
      labelNames: ['bank'],
      registers: [registry],
    });
    // At 0 from the start, so a rate over it means something from the first scrape.
    this.shed.inc({ bank: bankCode }, 0);
  }

  requestShed(): void {
    this.shed.inc({ bank: this.bankCode });
  }

  callEnded(instructionCode: string, outcome: BankCallOutcomeClass, seconds: number): void {
    this.calls.observe({ bank: this.bankCode, function: instructionCode, outcome }, seconds);
  }

  /** The breaker and the sessions, read from `status` at each scrape. */
  watch(status: () => AdapterStatus): void {
    const bank = this.bankCode;
    new Gauge({
      name: 'custody_bank_breaker_state',
      help: "This adapter process's circuit breaker to the bank: 0 closed, 1 half-open (a trial call), 2 open (calls fail fast as NOT_SENT).",
      labelNames: ['bank'],
      registers: [this.registry],
      collect() {
        this.set({ bank }, breakerStateValue(status().breaker));
      },
    });
    new Gauge({
      name: 'custody_bank_sessions',
      help: "This adapter process's sessions with the bank: state up (signed in) and total (configured).",
      labelNames: ['bank', 'state'],
      registers: [this.registry],
      collect() {
        const { sessions } = status();
        this.set({ bank, state: 'up' }, sessions.up);
        this.set({ bank, state: 'total' }, sessions.total);
      },
    });
  }
}
