import { randomBytes } from 'node:crypto';
import { KeySyncRejectedError } from '@custody/bank-protocol';
import { type AdapterLogger, describeError } from '../platform/adapter-logger';
import type { BankSession, BankSessionHandle, SessionSlot, SessionSource, SessionView } from './bank-session';
import type { SessionConnector } from './bank-session.connector';
import { type BackoffOptions, reconnectDelayMs } from './reconnect-backoff';

export interface SessionPoolOptions {
  /** The bank's `sessions`: how many signed-in connections this process keeps. */
  readonly size: number;
  /** The bank's `maxInFlightPerSession`: a session carrying this many is not handed out (see `acquire`). */
  readonly maxInFlightPerSession: number;
  readonly keyRollIntervalMs: number;
  readonly backoff: BackoffOptions;
  readonly signOffTimeoutMs: number;
  /** How often a key roll held back by a file transfer looks again (profile §7 step 8); default 1 s. */
  readonly keyRollRecheckMs?: number;
}

export type FirstRound = 'up' | 'unreachable';

const DEFAULT_KEY_ROLL_RECHECK_MS = 1_000;

/** Told when a session comes up or goes down (registry in Redis, pending bank requests). */
export interface SessionPoolListener {
  sessionUp?(session: BankSession): void;
  sessionDown?(session: BankSession, reason: string): void;
}

export interface SessionPoolDependencies {
  readonly connector: SessionConnector;
  readonly logger: AdapterLogger;
  readonly listener?: SessionPoolListener;
  /** Whether a session carries a file transfer now; a key roll waits until it does not (profile §7 step 8). */
  readonly fileTransfers?: { inProgress(sessionId: string): boolean };
  readonly clock?: () => Date;
  readonly random?: () => number;
}

/**
 * Keeps `size` signed-in sessions to one bank. Each slot runs its own loop: connect + sign in + key
 * sync, serve until the connection drops, wait with backoff, again. A session never outlives its
 * connection (profile §2): a reconnect is a new session with a new id, new SeqNos and new keys.
 */
export class BankSessionPool implements SessionSource {
  private readonly sessions = new Map<string, BankSession>();
  /** Sessions in a key roll: the library holds every write until the key sync is answered. */
  private readonly rollingKeys = new Set<string>();
  /** Key rolls due but held back by a file transfer on their session, with the timer that looks again. */
  private readonly rollsWaiting = new Map<string, NodeJS.Timeout>();
  private readonly slots: Array<Promise<void>> = [];
  private readonly stopping = new AbortController();
  private readonly clock: () => Date;
  private readonly random: () => number;
  private running = false;
  /** Slots whose first attempt to open a session failed, before any session came up. */
  private readonly failedFirstAttempts = new Set<number>();
  private settleFirstRound: (result: FirstRound) => void = () => undefined;
  private readonly firstRoundResult = new Promise<FirstRound>((resolve) => (this.settleFirstRound = resolve));

  constructor(
    private readonly options: SessionPoolOptions,
    private readonly deps: SessionPoolDependencies,
  ) {
    this.clock = deps.clock ?? (() => new Date());
    this.random = deps.random ?? Math.random;
  }

  get size(): number {
    return this.options.size;
  }

  get upCount(): number {
    return this.signedIn().length;
  }

  start(): void {
    if (this.running) return;
    this.running = true;
    for (let slot = 0; slot < this.options.size; slot += 1) this.slots.push(this.runSlot(slot));
  }

  /**
   * How the first round of sign-ins went: `up` as soon as one session is signed in, `unreachable` once
   * every slot has failed its first attempt. Until then nobody can say whether a call could be sent,
   * which is why the adapter takes no call before this settles.
   */
  firstRound(): Promise<FirstRound> {
    return this.firstRoundResult;
  }

  /**
   * The least loaded session that writes a request at once. Spreading calls over the sessions keeps
   * one slow connection from holding everything behind its in-flight limit. A session at that limit,
   * or rolling its keys, would hold the request inside `ProtocolConnection`, out of reach of the
   * call's sendBy; it is `busy`, never `none`: a busy bank is not a missing one.
   */
  acquire(): SessionSlot {
    const up = this.signedIn();
    if (up.length === 0) return { kind: 'none' };
    let best: BankSession | undefined;
    for (const session of up) {
      if (!this.writesAtOnce(session)) continue;
      if (!best || load(session.connection) < load(best.connection)) best = session;
    }
    return best ? { kind: 'ready', session: best } : { kind: 'busy' };
  }

  find(sessionId: string): BankSession | undefined {
    return this.sessions.get(sessionId);
  }

  /**
   * A session for a file step: the least loaded signed-in one that is neither rolling its keys nor waiting to
   * (a step holds a roll back, so a step must not start where one is due). Unlike `acquire`, a session at its
   * in-flight limit will do: a file step has no send budget, and its requests may queue behind calls.
   */
  forFiles(): BankSession | undefined {
    let best: BankSession | undefined;
    for (const session of this.signedIn()) {
      if (this.rollingKeys.has(session.id) || this.rollsWaiting.has(session.id)) continue;
      if (!best || load(session.connection) < load(best.connection)) best = session;
    }
    return best;
  }

  views(): SessionView[] {
    return this.signedIn().map((s) => ({
      sessionId: s.id,
      slot: s.slot,
      since: s.since.toISOString(),
      inFlight: s.connection.inFlight,
      queued: s.connection.queued,
    }));
  }

  /** Signs every session off (profile §2: at shutdown), dropping those that do not answer in time. */
  async stop(): Promise<void> {
    if (!this.running) return;
    this.running = false;
    this.stopping.abort();
    await Promise.all([...this.sessions.values()].map((session) => this.signOff(session.connection)));
    await Promise.all(this.slots);
  }

  private signedIn(): BankSession[] {
    return [...this.sessions.values()].filter((s) => s.connection.sessionState === 'signed-in');
  }

  private writesAtOnce(session: BankSession): boolean {
    const { inFlight, queued } = session.connection;
    return !this.rollingKeys.has(session.id) && queued === 0 && inFlight < this.options.maxInFlightPerSession;
  }

  private async runSlot(slot: number): Promise<void> {
    let failures = 0;
    while (this.running) {
      const id = newSessionId(slot);
      let connection: BankSessionHandle;
      try {
        connection = await this.deps.connector.open(id);
      } catch (error) {
        failures += 1;
        this.failedFirstAttempts.add(slot);
        if (this.failedFirstAttempts.size === this.options.size) this.settleFirstRound('unreachable');
        const delayMs = reconnectDelayMs(failures, this.options.backoff, this.random);
        this.deps.logger.warn({ slot, attempt: failures, retryInMs: delayMs, error: describeError(error) }, 'cannot open a bank session; retrying');
        await this.pause(delayMs);
        continue;
      }
      if (!this.running) {
        await this.signOff(connection);
        return;
      }
      failures = 0;
      const reason = await this.serve({ id, slot, since: this.clock(), connection });
      if (this.running) {
        const delayMs = reconnectDelayMs(1, this.options.backoff, this.random);
        this.deps.logger.warn({ slot, sessionId: id, reason, retryInMs: delayMs }, 'bank session dropped; reconnecting');
        await this.pause(delayMs);
      }
    }
  }

  /** Holds one session until its connection is gone; resolves with the reason. */
  private async serve(session: BankSession): Promise<string> {
    this.sessions.set(session.id, session);
    this.settleFirstRound('up');
    this.deps.logger.info({ slot: session.slot, sessionId: session.id }, 'bank session signed in and keys synchronised');
    this.notify(() => this.deps.listener?.sessionUp?.(session));
    const roll = setInterval(() => void this.rollKeys(session), this.options.keyRollIntervalMs);
    roll.unref();
    const { reason } = await session.connection.closed;
    clearInterval(roll);
    clearTimeout(this.rollsWaiting.get(session.id));
    this.rollsWaiting.delete(session.id);
    this.sessions.delete(session.id);
    this.notify(() => this.deps.listener?.sessionDown?.(session, reason));
    return reason;
  }

  /**
   * Profile §2: fresh working keys at least daily. A refused key sync leaves the session on keys we
   * meant to retire, so it is dropped: the reconnect signs in and synchronises new keys.
   */
  private async rollKeys(session: BankSession): Promise<void> {
    // One roll at a time: a second attempt would be refused by the session and, ending first, unmark it.
    if (session.connection.sessionState !== 'signed-in' || this.rollingKeys.has(session.id)) return;
    // Profile §7 step 8: never while a file goes over the session, either way. The roll waits (and no new
    // step starts there meanwhile, `forFiles`), looking again until the session is free.
    if (this.deps.fileTransfers?.inProgress(session.id)) {
      if (!this.rollsWaiting.has(session.id)) this.deps.logger.info({ sessionId: session.id }, 'key roll waits for the file transfer on the session');
      clearTimeout(this.rollsWaiting.get(session.id));
      const recheck = setTimeout(() => void this.rollKeys(session), this.options.keyRollRecheckMs ?? DEFAULT_KEY_ROLL_RECHECK_MS);
      recheck.unref();
      this.rollsWaiting.set(session.id, recheck);
      return;
    }
    clearTimeout(this.rollsWaiting.get(session.id));
    this.rollsWaiting.delete(session.id);
    // Marked before the key sync is written, so no call is handed a session whose writes are held.
    this.rollingKeys.add(session.id);
    try {
      await session.connection.synchronizeKeys();
      this.deps.logger.info({ sessionId: session.id }, 'working keys rolled');
    } catch (error) {
      if (error instanceof KeySyncRejectedError) {
        this.deps.logger.error({ sessionId: session.id, returnCode: error.returnCode }, 'bank refused the key roll; dropping the session to start afresh');
        session.connection.destroy('key roll refused');
        return;
      }
      // An unanswered key sync closes the session inside the library; anything else is transient.
      this.deps.logger.warn({ sessionId: session.id, error: describeError(error) }, 'key roll failed');
    } finally {
      this.rollingKeys.delete(session.id);
    }
  }

  private async signOff(connection: BankSessionHandle): Promise<void> {
    if (connection.sessionState !== 'signed-in') {
      connection.destroy('adapter stopping');
      return;
    }
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<'timeout'>((resolve) => {
      timer = setTimeout(() => resolve('timeout'), this.options.signOffTimeoutMs);
    });
    try {
      const result = await Promise.race([connection.signOff().catch((error: unknown) => describeError(error)), timeout]);
      if (result === 'timeout') this.deps.logger.warn({}, 'bank did not answer the sign-off in time; dropping the connection');
    } finally {
      clearTimeout(timer);
      connection.destroy('adapter stopping');
    }
  }

  private notify(callback: () => void): void {
    try {
      callback();
    } catch (error) {
      this.deps.logger.error({ error: describeError(error) }, 'session listener failed');
    }
  }

  private pause(ms: number): Promise<void> {
    return new Promise((resolve) => {
      if (this.stopping.signal.aborted) return resolve();
      const timer = setTimeout(done, ms);
      const signal = this.stopping.signal;
      function done(): void {
        clearTimeout(timer);
        signal.removeEventListener('abort', done);
        resolve();
      }
      signal.addEventListener('abort', done, { once: true });
    });
  }
}

function load(connection: BankSessionHandle): number {
  return connection.inFlight + connection.queued;
}

/** Unique per process and readable in logs: which slot, which incarnation. */
function newSessionId(slot: number): string {
  return `s${slot}-${randomBytes(4).toString('hex')}`;
}
