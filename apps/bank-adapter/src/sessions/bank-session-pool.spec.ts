import { KeySyncRejectedError } from '@custody/bank-protocol';
import { waitFor } from '@custody/testing';
import { silentLogger } from '../platform/adapter-logger';
import { FakeBankSession } from '../testing/bank-session.fake';
import type { BankSession, SessionSlot } from './bank-session';
import type { SessionConnector } from './bank-session.connector';
import { BankSessionPool, type SessionPoolOptions } from './bank-session-pool';
import { reconnectDelayMs } from './reconnect-backoff';

/** Opens fake sessions, or fails while `bankDown`. */
class FakeConnector implements SessionConnector {
  readonly opened: FakeBankSession[] = [];
  bankDown = false;
  attempts = 0;
  prepare: (session: FakeBankSession) => void = () => undefined;

  async open(): Promise<FakeBankSession> {
    this.attempts += 1;
    if (this.bankDown) throw new Error('connect ECONNREFUSED');
    const session = new FakeBankSession();
    this.prepare(session);
    this.opened.push(session);
    return session;
  }
}

const options: SessionPoolOptions = { size: 2, maxInFlightPerSession: 4, keyRollIntervalMs: 60_000, backoff: { initialDelayMs: 5, maxDelayMs: 20 }, signOffTimeoutMs: 500 };

/** The session `acquire` handed out, if it handed one out. */
function readySession(slot: SessionSlot | undefined): BankSession | undefined {
  return slot?.kind === 'ready' ? slot.session : undefined;
}

describe('session pool', () => {
  let pool: BankSessionPool | undefined;
  afterEach(async () => {
    await pool?.stop();
    pool = undefined;
  });

  it('keeps `sessions` signed-in sessions and reports them up', async () => {
    const connector = new FakeConnector();
    const up: BankSession[] = [];
    pool = new BankSessionPool(options, { connector, logger: silentLogger, listener: { sessionUp: (s) => up.push(s) } });
    pool.start();
    await waitFor(() => pool?.upCount === 2);
    expect(up).toHaveLength(2);
    expect(new Set(pool.views().map((v) => v.sessionId)).size).toBe(2);
  });

  it('reconnects with a new session when one drops, and says which one went down', async () => {
    const connector = new FakeConnector();
    const down: string[] = [];
    pool = new BankSessionPool(options, { connector, logger: silentLogger, listener: { sessionDown: (s, reason) => down.push(`${s.id}:${reason}`) } });
    pool.start();
    await waitFor(() => pool?.upCount === 2);
    const dropped = readySession(pool.acquire());
    (dropped?.connection as FakeBankSession).drop('peer ended the connection');
    await waitFor(() => connector.opened.length === 3 && pool?.upCount === 2);
    expect(down).toEqual([`${dropped?.id}:peer ended the connection`]);
    expect(pool.find(dropped?.id ?? '')).toBeUndefined();
  });

  it('retries with backoff while the bank is down, and signs in once it is back', async () => {
    const connector = new FakeConnector();
    connector.bankDown = true;
    pool = new BankSessionPool({ ...options, size: 1 }, { connector, logger: silentLogger });
    pool.start();
    await waitFor(() => connector.attempts >= 3);
    expect(pool.acquire()).toEqual({ kind: 'none' });
    connector.bankDown = false;
    await waitFor(() => pool?.upCount === 1);
  });

  it('acquire picks the least loaded session', async () => {
    const connector = new FakeConnector();
    pool = new BankSessionPool(options, { connector, logger: silentLogger });
    pool.start();
    await waitFor(() => pool?.upCount === 2);
    connector.opened[0].inFlight = 3;
    connector.opened[1].inFlight = 1;
    expect(readySession(pool.acquire())?.connection).toBe(connector.opened[1]);
  });

  it('sendBy: every session at its in-flight limit is "busy", never handed out (the session would queue the request out of reach of its sendBy) and never "none"', async () => {
    const connector = new FakeConnector();
    pool = new BankSessionPool(options, { connector, logger: silentLogger });
    pool.start();
    await waitFor(() => pool?.upCount === 2);
    Object.assign(connector.opened[0], { inFlight: 4 });
    Object.assign(connector.opened[1], { inFlight: 3, queued: 1 });
    expect(pool.acquire()).toEqual({ kind: 'busy' });
    Object.assign(connector.opened[1], { inFlight: 3, queued: 0 });
    expect(readySession(pool.acquire())?.connection).toBe(connector.opened[1]);
  });

  it('sendBy: a session rolling its keys is not handed out (the library holds every write until the key sync is answered)', async () => {
    const connector = new FakeConnector();
    let answerKeySync: () => void = () => undefined;
    const keys = { pinKey: Buffer.alloc(16, 1), macKey: Buffer.alloc(16, 2) };
    connector.prepare = (session) => {
      // The first roll waits for the test; later ones (the interval keeps firing) are answered at once.
      session.keySyncResult = () =>
        session.keySyncs > 1 ? Promise.resolve(keys) : new Promise((resolve) => (answerKeySync = () => resolve(keys)));
    };
    pool = new BankSessionPool({ ...options, size: 1, keyRollIntervalMs: 20 }, { connector, logger: silentLogger });
    pool.start();
    await waitFor(() => (connector.opened[0]?.keySyncs ?? 0) === 1);
    expect(pool.acquire()).toEqual({ kind: 'busy' });
    answerKeySync();
    await waitFor(() => pool?.acquire().kind === 'ready');
  });

  it('profile §2: rolls the working keys on the interval', async () => {
    const connector = new FakeConnector();
    pool = new BankSessionPool({ ...options, size: 1, keyRollIntervalMs: 20 }, { connector, logger: silentLogger });
    pool.start();
    await waitFor(() => (connector.opened[0]?.keySyncs ?? 0) >= 2);
  });

  it('profile §7 step 8: a key roll waits while a file transfer is in progress on its session, keeps file steps off that session meanwhile, and goes once the transfer ends', async () => {
    const connector = new FakeConnector();
    let transferring = true;
    pool = new BankSessionPool(
      { ...options, size: 1, keyRollIntervalMs: 20, keyRollRecheckMs: 5 },
      { connector, logger: silentLogger, fileTransfers: { inProgress: () => transferring } },
    );
    pool.start();
    await waitFor(() => pool?.upCount === 1);
    // Several intervals pass with the transfer going on: no key sync is written.
    await new Promise((resolve) => setTimeout(resolve, 120));
    expect(connector.opened[0].keySyncs).toBe(0);
    expect(pool.forFiles()).toBeUndefined();
    // Calls still go out on it: only the key roll and new file steps wait.
    expect(pool.acquire().kind).toBe('ready');
    transferring = false;
    await waitFor(() => connector.opened[0].keySyncs >= 1);
    await waitFor(() => pool?.forFiles()?.connection === connector.opened[0]);
  });

  it('a refused key roll drops the session so a fresh sign-in brings fresh keys', async () => {
    const connector = new FakeConnector();
    connector.prepare = (session) => {
      if (connector.opened.length === 0) session.keySyncResult = () => Promise.reject(new KeySyncRejectedError('3006', 'refused'));
    };
    pool = new BankSessionPool({ ...options, size: 1, keyRollIntervalMs: 20 }, { connector, logger: silentLogger });
    pool.start();
    await waitFor(() => connector.opened.length >= 2 && pool?.upCount === 1);
    expect(connector.opened[0].sessionState).toBe('closed');
  });

  it('profile §2: signs every session off at shutdown and stops reconnecting', async () => {
    const connector = new FakeConnector();
    pool = new BankSessionPool(options, { connector, logger: silentLogger });
    pool.start();
    await waitFor(() => pool?.upCount === 2);
    await pool.stop();
    expect(connector.opened.map((s) => s.signOffs)).toEqual([1, 1]);
    const attempts = connector.attempts;
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(connector.attempts).toBe(attempts);
    expect(pool.upCount).toBe(0);
  });
});

describe('reconnect backoff', () => {
  it('doubles up to the ceiling, randomised in its upper half', () => {
    const backoff = { initialDelayMs: 500, maxDelayMs: 30_000 };
    expect(reconnectDelayMs(1, backoff, () => 0)).toBe(250);
    expect(reconnectDelayMs(1, backoff, () => 1)).toBe(500);
    expect(reconnectDelayMs(3, backoff, () => 1)).toBe(2_000);
    expect(reconnectDelayMs(20, backoff, () => 1)).toBe(30_000);
  });
});
