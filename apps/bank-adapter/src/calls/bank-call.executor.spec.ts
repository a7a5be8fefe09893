import {
  ConnectionClosedError,
  INSTRUCTION_CODES,
  type ProtocolMessage,
  type RequestDraft,
  ReplyTimeoutError,
  SessionStateError,
  UnexpectedReplyError,
} from '@custody/bank-protocol';
import { Money } from '@custody/money';
import { silentLogger } from '../platform/adapter-logger';
import { BANK_CODE, BROKER_ID, bankReplyHeaderFor, fakeSecrets, FakeBankSession, FakeSessionSource } from '../testing/bank-session.fake';
import { BankCallExecutor } from './bank-call.executor';
import type { BankCall } from './bank-call.types';
import { type BreakerState, type CallBreaker, isBankFailure, OpossumCallBreaker } from './bank-circuit-breaker';
import { BreakerOpenError, SendByPassedError } from './send-failure.classifier';
import { aBankCall } from '../testing/bank-call.fixture';

const REQUEST_TIMEOUT_MS = 3_000;
const call: BankCall = aBankCall();

/** Lets every send through, as a closed breaker does. */
const passThrough: CallBreaker = { state: 'CLOSED', run: (send) => send(), shutdown: () => undefined };

/** Refuses every send without running it, as an open breaker does. */
const openBreaker: CallBreaker = {
  state: 'OPEN' satisfies BreakerState,
  run: () => Promise.reject(new BreakerOpenError('bank failing')),
  shutdown: () => undefined,
};

function transferReply(draft: RequestDraft, code: string): ProtocolMessage {
  return {
    name: 'Trf.002.01',
    body: { MsgHdr: bankReplyHeaderFor(INSTRUCTION_CODES.SECURITIES_TO_BANK, draft.serial ?? '', 'B20261121000042'), Rst: { Code: code }, TrfAmt: Money.parse('300.00') },
  };
}

function executor(
  session: FakeBankSession | undefined,
  breaker: CallBreaker = passThrough,
  options: { clock?: () => Date; maxInFlightPerSession?: number } = {},
): BankCallExecutor {
  const sessions = session ? FakeSessionSource.with(session, 's0-test', options.maxInFlightPerSession) : new FakeSessionSource();
  return new BankCallExecutor({ bankCode: BANK_CODE, brokerInstId: BROKER_ID, requestTimeoutMs: REQUEST_TIMEOUT_MS }, sessions, breaker, fakeSecrets, options.clock);
}

/** A bank that answers each request only when the test says so. */
function holdAnswers(session: FakeBankSession): (serial: string) => void {
  const held = new Map<string, () => void>();
  session.respond = (draft) => new Promise<ProtocolMessage>((resolve) => held.set(draft.serial ?? '', () => resolve(transferReply(draft, '0000'))));
  return (serial) => held.get(serial)?.();
}

describe('bank call outcomes (bankCallCompleted: REPLIED / NOT_SENT / NO_REPLY, never a guess)', () => {
  it('REPLIED: the bank answered 0000; the request went out with the saga serial and the bank requestTimeoutMs', async () => {
    const session = new FakeBankSession();
    session.respond = async (draft) => transferReply(draft, '0000');
    const completion = await executor(session).execute(call);
    expect(completion).toMatchObject({ outcome: 'REPLIED', returnCode: '0000', bankSerialNo: 'B20261121000042', callId: call.callId, serialNo: call.serialNo });
    expect(session.sent).toHaveLength(1);
    expect(session.sent[0].serial).toBe(call.serialNo);
    expect(session.sendOptions[0]).toEqual({ timeoutMs: REQUEST_TIMEOUT_MS });
  });

  it('REPLIED: a bank rejection is an answer, not a failure', async () => {
    const session = new FakeBankSession();
    session.respond = async (draft) => transferReply(draft, '1002');
    expect(await executor(session).execute(call)).toMatchObject({ outcome: 'REPLIED', returnCode: '1002' });
  });

  it('NO_REPLY: the request was written and no reply came within requestTimeoutMs (ReplyTimeoutError)', async () => {
    const session = new FakeBankSession();
    session.respond = () => Promise.reject(new ReplyTimeoutError(call.serialNo, REQUEST_TIMEOUT_MS));
    const completion = await executor(session).execute(call);
    expect(completion).toMatchObject({ outcome: 'NO_REPLY', reason: `no reply within ${REQUEST_TIMEOUT_MS} ms` });
    expect(completion.returnCode).toBeUndefined();
  });

  it('NOT_SENT: the connection closed before the request was written (ConnectionClosedError written=false)', async () => {
    const session = new FakeBankSession();
    session.respond = () => Promise.reject(new ConnectionClosedError(false, 'peer ended the connection'));
    expect(await executor(session).execute(call)).toMatchObject({ outcome: 'NOT_SENT', reason: expect.stringContaining('before the request was written') });
  });

  it('NO_REPLY: the connection closed after the request was written (ConnectionClosedError written=true)', async () => {
    const session = new FakeBankSession();
    session.respond = () => Promise.reject(new ConnectionClosedError(true, 'socket error'));
    expect(await executor(session).execute(call)).toMatchObject({ outcome: 'NO_REPLY', reason: expect.stringContaining('after the request was written') });
  });

  it('NO_REPLY: an unreadable or unverifiable reply leaves the outcome unknown', async () => {
    const session = new FakeBankSession();
    session.respond = () => Promise.reject(new UnexpectedReplyError(call.serialNo, 'reply refused: checksum mismatch'));
    expect(await executor(session).execute(call)).toMatchObject({ outcome: 'NO_REPLY' });
  });

  it('NOT_SENT: the session refused the request before writing it (signing off)', async () => {
    const session = new FakeBankSession();
    session.respond = () => Promise.reject(new SessionStateError('cannot send requests while signing-off'));
    expect(await executor(session).execute(call)).toMatchObject({ outcome: 'NOT_SENT' });
  });

  it('NO_REPLY: an unexpected failure after the hand-over cannot prove nothing was written', async () => {
    const session = new FakeBankSession();
    session.respond = () => Promise.reject(new Error('something odd'));
    expect(await executor(session).execute(call)).toMatchObject({ outcome: 'NO_REPLY', reason: expect.stringContaining('outcome unknown') });
  });

  it('NOT_SENT: no signed-in session to the bank', async () => {
    expect(await executor(undefined).execute(call)).toMatchObject({ outcome: 'NOT_SENT', reason: `no signed-in session to bank ${BANK_CODE}` });
  });

  it('NOT_SENT: a session still without working keys is not used', async () => {
    const session = new FakeBankSession();
    session.workingKeys = undefined;
    expect(await executor(session).execute(call)).toMatchObject({ outcome: 'NOT_SENT' });
    expect(session.sent).toHaveLength(0);
  });

  it('NOT_SENT: an open breaker refuses the call and nothing is written', async () => {
    const session = new FakeBankSession();
    session.respond = async (draft) => transferReply(draft, '0000');
    const completion = await executor(session, openBreaker).execute(call);
    expect(completion).toMatchObject({ outcome: 'NOT_SENT', reason: expect.stringContaining('circuit breaker open') });
    expect(session.sent).toHaveLength(0);
  });

  it('NOT_SENT: a call the adapter cannot map never reaches a session', async () => {
    const session = new FakeBankSession();
    const completion = await executor(session).execute({ ...call, function: 'BANK_TO_SECURITIES', bankPassword: { sealed: 'tampered' } });
    expect(completion).toMatchObject({ outcome: 'NOT_SENT', reason: expect.stringContaining('call refused by the adapter') });
    expect(session.sent).toHaveLength(0);
  });
});

describe('sendBy: a request is never written after its call\'s sendBy (bankCallRequested.sendBy)', () => {
  const NOW = new Date('2026-11-21T02:00:10.000Z');
  const clock = (): Date => NOW;

  it('a call received after its sendBy is NOT_SENT with a reason naming sendBy, and nothing is written to the bank', async () => {
    const session = new FakeBankSession();
    session.respond = async (draft) => transferReply(draft, '0000');
    const completion = await executor(session, passThrough, { clock }).execute({ ...call, sendBy: '2026-11-21T02:00:09.999Z' });
    // Flagged: it may repeat a call a crashed adapter wrote, so the saga asks the bank instead of failing it.
    expect(completion).toMatchObject({ outcome: 'NOT_SENT', sendByPassed: true, reason: expect.stringContaining('sendBy 2026-11-21T02:00:09.999Z passed') });
    expect(session.sent).toHaveLength(0);
  });

  it('sendBy is the last instant: a call checked exactly at its sendBy is not sent', async () => {
    const session = new FakeBankSession();
    session.respond = async (draft) => transferReply(draft, '0000');
    expect(await executor(session, passThrough, { clock }).execute({ ...call, sendBy: NOW.toISOString() })).toMatchObject({ outcome: 'NOT_SENT' });
    expect(session.sent).toHaveLength(0);
  });

  it('a call within its sendBy is sent', async () => {
    const session = new FakeBankSession();
    session.respond = async (draft) => transferReply(draft, '0000');
    const completion = await executor(session, passThrough, { clock }).execute({ ...call, sendBy: '2026-11-21T02:00:10.001Z' });
    expect(completion).toMatchObject({ outcome: 'REPLIED', returnCode: '0000' });
    expect(session.sent.map((draft) => draft.serial)).toEqual([call.serialNo]);
  });

  it('a late call spends nothing of the breaker (no half-open trial, no failure counted)', async () => {
    const runs: string[] = [];
    const recording: CallBreaker = {
      state: 'CLOSED',
      run: (send) => {
        runs.push('run');
        return send();
      },
      shutdown: () => undefined,
    };
    await executor(new FakeBankSession(), recording, { clock }).execute({ ...call, sendBy: '2026-11-21T02:00:00.000Z' });
    expect(runs).toHaveLength(0);
    expect(isBankFailure(new SendByPassedError('2026-11-21T02:00:00.000Z', NOW))).toBe(false);
  });

  it('while every session is at its in-flight limit the call waits in the adapter, not in a session queue, and goes out when a slot frees within its sendBy', async () => {
    const session = new FakeBankSession();
    const answer = holdAnswers(session);
    const run = executor(session, passThrough, { maxInFlightPerSession: 1 });
    const first = run.execute({ ...call, serialNo: '20261121200000000021' });
    const second = run.execute({ ...call, callId: '6f9619ff-8b86-4011-b42d-00c04fc964fe', serialNo: '20261121200000000022', sendBy: new Date(Date.now() + 5_000).toISOString() });
    await new Promise((resolve) => setTimeout(resolve, 60));
    expect(session.sent.map((draft) => draft.serial)).toEqual(['20261121200000000021']);
    answer('20261121200000000021');
    await first;
    await new Promise((resolve) => setTimeout(resolve, 10));
    expect(session.sent.map((draft) => draft.serial)).toEqual(['20261121200000000021', '20261121200000000022']);
    answer('20261121200000000022');
    expect(await second).toMatchObject({ outcome: 'REPLIED' });
  });

  it('a call still waiting for a slot when its sendBy passes is NOT_SENT and is not written when the slot frees later', async () => {
    const session = new FakeBankSession();
    const answer = holdAnswers(session);
    const run = executor(session, passThrough, { maxInFlightPerSession: 1 });
    const first = run.execute({ ...call, serialNo: '20261121200000000031' });
    const sendBy = new Date(Date.now() + 80).toISOString();
    const second = await run.execute({ ...call, callId: '6f9619ff-8b86-4011-b42d-00c04fc964fd', serialNo: '20261121200000000032', sendBy });
    expect(second).toMatchObject({ outcome: 'NOT_SENT', sendByPassed: true, reason: expect.stringContaining(`sendBy ${sendBy} passed`) });
    answer('20261121200000000031');
    await first;
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(session.sent.map((draft) => draft.serial)).toEqual(['20261121200000000031']);
  });
});

describe('circuit breaker around the send (opossum)', () => {
  const options = { resetTimeoutMs: 60_000, volumeThreshold: 5, errorThresholdPercentage: 50, rollingWindowMs: 10_000 };
  let breaker: OpossumCallBreaker;
  afterEach(() => breaker.shutdown());

  it('opens after repeated bank failures; then calls are NOT_SENT at once and nothing is written', async () => {
    breaker = new OpossumCallBreaker(options, silentLogger, 'test');
    const session = new FakeBankSession();
    session.respond = () => Promise.reject(new ReplyTimeoutError(call.serialNo, REQUEST_TIMEOUT_MS));
    const run = executor(session, breaker);
    for (let i = 0; i < 5; i += 1) expect(await run.execute(call)).toMatchObject({ outcome: 'NO_REPLY' });
    expect(breaker.state).toBe('OPEN');
    const written = session.sent.length;
    expect(await run.execute(call)).toMatchObject({ outcome: 'NOT_SENT', reason: expect.stringContaining('circuit breaker open') });
    expect(session.sent).toHaveLength(written);
  });

  it('bank rejections keep it closed: the bank is working', async () => {
    breaker = new OpossumCallBreaker(options, silentLogger, 'test');
    const session = new FakeBankSession();
    session.respond = async (draft) => transferReply(draft, '1001');
    const run = executor(session, breaker);
    for (let i = 0; i < 8; i += 1) await run.execute(call);
    expect(breaker.state).toBe('CLOSED');
  });

  it('no session counts against the bank', async () => {
    breaker = new OpossumCallBreaker(options, silentLogger, 'test');
    const run = executor(undefined, breaker);
    for (let i = 0; i < 5; i += 1) expect(await run.execute(call)).toMatchObject({ outcome: 'NOT_SENT' });
    expect(breaker.state).toBe('OPEN');
  });

  it('half-open lets one trial through; its success closes the breaker; every change is told at once', async () => {
    const changes: BreakerState[] = [];
    breaker = new OpossumCallBreaker({ ...options, resetTimeoutMs: 50 }, silentLogger, 'test', (state) => changes.push(state));
    const session = new FakeBankSession();
    session.respond = () => Promise.reject(new ConnectionClosedError(true, 'reset'));
    const run = executor(session, breaker);
    for (let i = 0; i < 5; i += 1) await run.execute(call);
    expect(breaker.state).toBe('OPEN');
    await new Promise((resolve) => setTimeout(resolve, 80));
    expect(breaker.state).toBe('HALF_OPEN');
    session.respond = async (draft) => transferReply(draft, '0000');
    expect(await run.execute(call)).toMatchObject({ outcome: 'REPLIED' });
    expect(breaker.state).toBe('CLOSED');
    expect(changes).toEqual(['OPEN', 'HALF_OPEN', 'CLOSED']);
  });
});
