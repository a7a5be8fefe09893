import type { BankConfig } from '@custody/service-kit';

/**
 * Timings of one adapter process. The bank's own numbers (sessions, in-flight limit, request timeout,
 * reply deadline) come from the custody configuration (spec/api.md, fixed keys); these are the
 * adapter's operational knobs, read from the environment so that tests and operators can tune them
 * without a configuration key the contract does not name.
 */
export interface AdapterTimings {
  /** How long an open breaker waits before letting one trial call through (HALF_OPEN). */
  readonly breakerResetTimeoutMs: number;
  /** Calls within the rolling window before the breaker may open at all. */
  readonly breakerVolumeThreshold: number;
  /** Failure share (percent) within the window above which the breaker opens. */
  readonly breakerErrorThresholdPercentage: number;
  readonly breakerRollingWindowMs: number;
  /** Profile §2: keys are rolled at least daily; twice a day leaves room for a failed roll. */
  readonly keyRollIntervalMs: number;
  readonly reconnectInitialDelayMs: number;
  readonly reconnectMaxDelayMs: number;
  readonly connectTimeoutMs: number;
  /** Idle time before a heartbeat (profile §2: 30 s). */
  readonly heartbeatIntervalMs: number;
  /** How long shutdown waits for a sign-off before dropping the connection. */
  readonly signOffTimeoutMs: number;
  /** How often this instance re-announces its sessions in Redis; the record lives three times as long. */
  readonly registryRefreshMs: number;
  /** After this, a bank request without an answer from its owner is forgotten (logged at error). */
  readonly inboundAbandonAfterMs: number;
  /**
   * The latency, read to answered, inbound admission keeps the bank's new transfers under (inbound-admission.ts):
   * half the bank's reply deadline unless set, so that what is taken is answered before the bank gives up on it.
   */
  readonly inboundTargetMs: number;
  /**
   * A file step's lease: renewed every third of it while the step runs, so a replica that dies mid-step is
   * taken over this long after its last renewal (and the step restarts the file it was on).
   */
  readonly fileStepLeaseMs: number;
  /** How often an idle file-step worker looks for a step. */
  readonly fileStepPollMs: number;
}

export const DEFAULT_TIMINGS: Omit<AdapterTimings, 'inboundAbandonAfterMs' | 'inboundTargetMs'> = {
  breakerResetTimeoutMs: 5_000,
  breakerVolumeThreshold: 5,
  breakerErrorThresholdPercentage: 50,
  breakerRollingWindowMs: 10_000,
  keyRollIntervalMs: 12 * 60 * 60 * 1000,
  reconnectInitialDelayMs: 500,
  reconnectMaxDelayMs: 30_000,
  connectTimeoutMs: 5_000,
  heartbeatIntervalMs: 30_000,
  signOffTimeoutMs: 5_000,
  registryRefreshMs: 10_000,
  fileStepLeaseMs: 30_000,
  fileStepPollMs: 1_000,
};

function positive(env: NodeJS.ProcessEnv, name: string): number | undefined {
  const raw = env[name];
  if (raw === undefined || raw === '') return undefined;
  const value = Number(raw);
  if (!Number.isInteger(value) || value <= 0) throw new Error(`${name} must be a positive integer (milliseconds)`);
  return value;
}

export function timingsFor(bank: BankConfig, overrides: Partial<AdapterTimings> = {}, env: NodeJS.ProcessEnv = process.env): AdapterTimings {
  const fromEnv: Partial<AdapterTimings> = {
    breakerResetTimeoutMs: positive(env, 'BANK_BREAKER_RESET_MS'),
    keyRollIntervalMs: positive(env, 'BANK_KEY_ROLL_INTERVAL_MS'),
    reconnectMaxDelayMs: positive(env, 'BANK_RECONNECT_MAX_DELAY_MS'),
    fileStepLeaseMs: positive(env, 'BANK_FILE_STEP_LEASE_MS'),
    inboundTargetMs: positive(env, 'BANK_INBOUND_TARGET_MS'),
  };
  const defined = Object.fromEntries(Object.entries(fromEnv).filter(([, value]) => value !== undefined)) as Partial<AdapterTimings>;
  // A bank waits replyDeadlineMs; a late answer is still worth writing for a while, not for ever.
  return { ...DEFAULT_TIMINGS, inboundAbandonAfterMs: bank.replyDeadlineMs * 5, inboundTargetMs: Math.ceil(bank.replyDeadlineMs / 2), ...defined, ...overrides };
}

function httpUrl(env: NodeJS.ProcessEnv, name: string): string | undefined {
  const raw = env[name];
  if (raw === undefined || raw === '') return undefined;
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new Error(`${name} must be an http(s) URL`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new Error(`${name} must be an http(s) URL`);
  return raw;
}

/**
 * `CUSTODY_RECONCILIATION_URL`: the reconciliation service, which keeps every day file (bank-protocol.md §5).
 * Optional so that a stack without it still runs the day's calls: without it the adapter takes no file step
 * (they wait in Kafka for an adapter that can run them) and answers the bank's file requests 2033.
 */
export function reconciliationServiceUrlFrom(env: NodeJS.ProcessEnv = process.env): string | undefined {
  return httpUrl(env, 'CUSTODY_RECONCILIATION_URL');
}

/**
 * `CUSTODY_ACCOUNT_URL`: the account service, which verifies the fund password of a bank-initiated
 * withdrawal (F-4.2 B). Optional: without it the adapter does not offer 12002 to the bank (2033).
 */
export function accountServiceUrlFrom(env: NodeJS.ProcessEnv = process.env): string | undefined {
  return httpUrl(env, 'CUSTODY_ACCOUNT_URL');
}
