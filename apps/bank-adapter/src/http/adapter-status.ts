import type { HealthIndicatorResult } from '@nestjs/terminus';
import type { BreakerState } from '../calls/bank-circuit-breaker';
import type { SessionView } from '../sessions/bank-session';

/** What `/health` and `/status` show (and a later `/v1/banks` aggregates). No secret is ever in here. */
export interface AdapterStatus {
  readonly bankCode: string;
  readonly name: string;
  readonly lead: boolean;
  readonly instanceId: string;
  readonly startedAt: string;
  readonly sessions: { readonly up: number; readonly total: number; readonly detail: readonly SessionView[] };
  readonly breaker: BreakerState;
  readonly pendingBankRequests: number;
  readonly consumers: { readonly calls: boolean; readonly replies: boolean; readonly fileSteps?: boolean };
}

export interface AdapterStatusSource {
  status(): AdapterStatus;
}

export const ADAPTER_STATUS = Symbol('ADAPTER_STATUS');

/**
 * Always "up" while the process runs: the stack waits on /health, and a bank that is down (or not
 * started yet) is a state to report, not a reason to restart the adapter — it reconnects by itself.
 */
export function bankHealthIndicator(source: AdapterStatusSource): () => Promise<HealthIndicatorResult> {
  return async () => {
    const status = source.status();
    return {
      bank: {
        status: 'up',
        bankCode: status.bankCode,
        sessions: { up: status.sessions.up, total: status.sessions.total },
        breaker: status.breaker,
      },
    };
  };
}
