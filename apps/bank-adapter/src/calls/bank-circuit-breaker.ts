import { KeyMaterialError, MessageEncodeError, PinBlockError } from '@custody/bank-protocol';
import CircuitBreaker from 'opossum';
import type { AdapterLogger } from '../platform/adapter-logger';
import { BreakerOpenError, SendBudgetSpentError } from './send-failure.classifier';

export type BreakerState = 'CLOSED' | 'OPEN' | 'HALF_OPEN';

/** Runs sends to the bank; refuses them fast (`BreakerOpenError`, nothing sent) while the bank is failing. */
export interface CallBreaker {
  readonly state: BreakerState;
  run<T>(send: () => Promise<T>): Promise<T>;
  shutdown(): void;
}

export interface BreakerOptions {
  readonly resetTimeoutMs: number;
  readonly volumeThreshold: number;
  readonly errorThresholdPercentage: number;
  readonly rollingWindowMs: number;
}

/**
 * Only the bank's trouble counts against it: no session, connection lost, no reply, unusable reply.
 * A call we could not even build (our input, our keys) says nothing about the bank. A reply with a
 * failure code is the bank working, so it is a success here. A call whose send budget ran out while it
 * waited for a session slot is our rule, not a fault: the slow calls that held the slots already
 * counted for themselves.
 */
export function isBankFailure(error: unknown): boolean {
  return !(
    error instanceof PinBlockError ||
    error instanceof MessageEncodeError ||
    error instanceof KeyMaterialError ||
    error instanceof SendBudgetSpentError
  );
}

type Send = () => Promise<unknown>;

function isOpossumError(error: unknown, code: string): boolean {
  return error instanceof Error && (error as Error & { code?: unknown }).code === code;
}

/**
 * One opossum breaker per bank. Opossum's own timeout is off: the protocol's `requestTimeoutMs`
 * decides when a written request has no reply, and a breaker timeout would abandon a request that is
 * still on the wire — reporting it as anything but NO_REPLY would be a guess.
 */
export class OpossumCallBreaker implements CallBreaker {
  private readonly breaker: CircuitBreaker<[Send], unknown>;

  /** `changed` runs on every state change, so `GET /v1/banks` hears of an open breaker at once, not at the next refresh. */
  constructor(options: BreakerOptions, logger: AdapterLogger, name: string, changed: (state: BreakerState) => void = () => undefined) {
    this.breaker = new CircuitBreaker<[Send], unknown>((send: Send) => send(), {
      name,
      timeout: false,
      resetTimeout: options.resetTimeoutMs,
      volumeThreshold: options.volumeThreshold,
      errorThresholdPercentage: options.errorThresholdPercentage,
      rollingCountTimeout: options.rollingWindowMs,
      errorFilter: (error: unknown) => !isBankFailure(error),
    });
    this.breaker.on('open', () => {
      logger.error({ breaker: name }, 'circuit breaker OPEN: calls to the bank fail fast as NOT_SENT');
      changed('OPEN');
    });
    this.breaker.on('halfOpen', () => {
      logger.warn({ breaker: name }, 'circuit breaker HALF_OPEN: the next call is a trial');
      changed('HALF_OPEN');
    });
    this.breaker.on('close', () => {
      logger.info({ breaker: name }, 'circuit breaker CLOSED: calls flow again');
      changed('CLOSED');
    });
  }

  get state(): BreakerState {
    if (this.breaker.opened) return 'OPEN';
    if (this.breaker.halfOpen) return 'HALF_OPEN';
    return 'CLOSED';
  }

  async run<T>(send: () => Promise<T>): Promise<T> {
    try {
      return (await this.breaker.fire(send)) as T;
    } catch (error) {
      // While HALF_OPEN only the trial goes through; the others are refused the same way.
      if (isOpossumError(error, 'EOPENBREAKER')) throw new BreakerOpenError(this.state === 'HALF_OPEN' ? 'trial call in progress' : 'bank failing');
      if (isOpossumError(error, 'ESEMLOCKED')) throw new BreakerOpenError('too many concurrent calls');
      throw error;
    }
  }

  shutdown(): void {
    this.breaker.shutdown();
  }
}
