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
import { BreakerOpenError, SendBudgetSpentError } from './send-failure.classifier';
import { aBankCall } from '../testing/bank-call.fixture';
import { InMemoryCallClaims } from '../testing/call-claims.fake';
import type { CallClaims } from './call-claims.repository';

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
  options: { clock?: () => number; maxInFlightPerSession?: number; claims?: CallClaims; instanceId?: string } = {},
): BankCallExecutor {
  const sessions = session ? FakeSessionSource.with(session, 's0-test', options.maxInFlightPerSession) : new FakeSessionSource();
  return new BankCallExecutor(
    { bankCode: BANK_CODE, brokerInstId: BROKER_ID, requestTimeoutMs: REQUEST_TIMEOUT_MS, instanceId: options.instanceId ?? 'adapter-a' },
    sessions,
    breaker,
    fakeSecrets,
    options.claims ?? new InMemoryCallClaims(),
    { clock: options.clock },
  );
}

let callCounter = 0;
/** The same call under a callId of its own: one more call the saga asked for, not a redelivery. */
function anotherCall(overrides: Partial<BankCall> = {}): BankCall {
  callCounter += 1;
  return { ...call, callId: `6f9619ff-8b86-4011-b42d-${String(callCounter).padStart(12, '0')}`, ...overrides };
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

describe('send budget: a request is never written later than sendWithinMs after the call reached the adapter', () => {
  const RECEIVED = 1_000_000;

  it('a call whose budget was spent before it could be looked at is NOT_SENT, fenced off, and nothing is written to the bank', async () => {
    const session = new FakeBankSession();
    session.respond = async (draft) => transferReply(draft, '0000');
    const claims = new InMemoryCallClaims();
    const completion = await executor(session, passThrough, { clock: () => RECEIVED + 2_000, claims }).execute({ ...call, sendWithinMs: 2_000 }, RECEIVED);
    expect(completion).toMatchObject({ outcome: 'NOT_SENT', reason: expect.stringContaining('2000 ms send budget') });
    expect(claims.claims.get(call.callId)?.state).toBe('NOT_SENT');
    expect(session.sent).toHaveLength(0);
  });

  it('a call within its budget is sent; the budget is measured on the monotonic clock, so the wall clock (any skew) plays no part', async () => {
    const session = new FakeBankSession();
    session.respond = async (draft) => transferReply(draft, '0000');
    const completion = await executor(session, passThrough, { clock: () => RECEIVED + 1_999 }).execute({ ...call, sendWithinMs: 2_000 }, RECEIVED);
    expect(completion).toMatchObject({ outcome: 'REPLIED', returnCode: '0000' });
    expect(session.sent.map((draft) => draft.serial)).toEqual([call.serialNo]);
  });

  it('a spent call spends nothing of the breaker (no half-open trial, no failure counted)', async () => {
    const runs: string[] = [];
    const recording: CallBreaker = {
      state: 'CLOSED',
      run: (send) => {
        runs.push('run');
        return send();
      },
      shutdown: () => undefined,
    };
    await executor(new FakeBankSession(), recording, { clock: () => RECEIVED + 5_000 }).execute({ ...call, sendWithinMs: 2_000 }, RECEIVED);
    expect(runs).toHaveLength(0);
    expect(isBankFailure(new SendBudgetSpentError(2_000))).toBe(false);
  });

  it('while every session is at its in-flight limit the call waits in the adapter, not in a session queue, and goes out when a slot frees within its budget', async () => {
    const session = new FakeBankSession();
    const answer = holdAnswers(session);
    const run = executor(session, passThrough, { maxInFlightPerSession: 1 });
    const first = run.execute(anotherCall({ serialNo: '20261121200000000021' }));
    const second = run.execute(anotherCall({ serialNo: '20261121200000000022', sendWithinMs: 5_000 }));
    await new Promise((resolve) => setTimeout(resolve, 60));
    expect(session.sent.map((draft) => draft.serial)).toEqual(['20261121200000000021']);
    answer('20261121200000000021');
    await first;
    await new Promise((resolve) => setTimeout(resolve, 10));
    expect(session.sent.map((draft) => draft.serial)).toEqual(['20261121200000000021', '20261121200000000022']);
    answer('20261121200000000022');
    expect(await second).toMatchObject({ outcome: 'REPLIED' });
  });

  it('a call still waiting for a slot when its budget runs out is NOT_SENT, fenced off, and is not written when the slot frees later', async () => {
    const session = new FakeBankSession();
    const answer = holdAnswers(session);
    const claims = new InMemoryCallClaims();
    const run = executor(session, passThrough, { maxInFlightPerSession: 1, claims });
    const first = run.execute(anotherCall({ serialNo: '20261121200000000031' }));
    const waiting = anotherCall({ serialNo: '20261121200000000032', sendWithinMs: 80 });
    const second = await run.execute(waiting);
    expect(second).toMatchObject({ outcome: 'NOT_SENT', reason: expect.stringContaining('80 ms send budget') });
    expect(claims.claims.get(waiting.callId)?.state).toBe('NOT_SENT');
    answer('20261121200000000031');
    await first;
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(session.sent.map((draft) => draft.serial)).toEqual(['20261121200000000031']);
  });
});

describe('claims: NOT_SENT only when no copy of the call can have been written anywhere (issue 7 item 1)', () => {
  it('a redelivery to a replica with no session, of a call another replica claimed and wrote, is NO_REPLY, never NOT_SENT, and writes nothing', async () => {
    const claims = new InMemoryCallClaims();
    const first = new FakeBankSession();
    const answer = holdAnswers(first);
    const writing = executor(first, passThrough, { claims, instanceId: 'adapter-a' }).execute(call);
    await new Promise((resolve) => setTimeout(resolve, 10));
    expect(first.sent.map((draft) => draft.serial)).toEqual([call.serialNo]);

    const redelivery = await executor(undefined, passThrough, { claims, instanceId: 'adapter-b' }).execute(call);
    expect(redelivery).toMatchObject({ outcome: 'NO_REPLY', reason: expect.stringContaining('instance adapter-a') });

    answer(call.serialNo);
    expect(await writing).toMatchObject({ outcome: 'REPLIED', returnCode: '0000' });
  });

  it('a redelivery to a replica with sessions up, of a call another replica claimed, is not written a second time', async () => {
    const claims = new InMemoryCallClaims();
    await claims.claimForSending(call, { instanceId: 'adapter-a', token: 'a-token' });
    const second = new FakeBankSession();
    second.respond = async (draft) => transferReply(draft, '0000');
    expect(await executor(second, passThrough, { claims, instanceId: 'adapter-b' }).execute(call)).toMatchObject({ outcome: 'NO_REPLY' });
    expect(second.sent).toHaveLength(0);
  });

  it('a redelivery of a call fenced off as NOT_SENT answers NOT_SENT again and writes nothing, even with a session up', async () => {
    const claims = new InMemoryCallClaims();
    expect(await executor(undefined, passThrough, { claims, instanceId: 'adapter-a' }).execute(call)).toMatchObject({ outcome: 'NOT_SENT' });
    const later = new FakeBankSession();
    later.respond = async (draft) => transferReply(draft, '0000');
    expect(await executor(later, passThrough, { claims, instanceId: 'adapter-b' }).execute(call)).toMatchObject({
      outcome: 'NOT_SENT',
      reason: expect.stringContaining('fenced off by an earlier delivery'),
    });
    expect(later.sent).toHaveLength(0);
  });

  it('a delivery that cannot record the NOT_SENT fence answers NO_REPLY: without the fence another copy could still be written', async () => {
    const claims = new InMemoryCallClaims();
    const broken: CallClaims = {
      claimForSending: (c, h) => claims.claimForSending(c, h),
      fenceNotSent: () => Promise.reject(new Error('connection terminated')),
    };
    expect(await executor(undefined, passThrough, { claims: broken }).execute(call)).toMatchObject({
      outcome: 'NO_REPLY',
      reason: expect.stringContaining('NOT_SENT record could not be made (connection terminated)'),
    });
  });

  it('a delivery that cannot claim the call (database down) writes nothing and fails, so the consumer retries it', async () => {
    const session = new FakeBankSession();
    const failing: CallClaims = {
      claimForSending: () => Promise.reject(new Error('connection terminated')),
      fenceNotSent: () => Promise.reject(new Error('connection terminated')),
    };
    await expect(executor(session, passThrough, { claims: failing }).execute(call)).rejects.toThrow('connection terminated');
    expect(session.sent).toHaveLength(0);
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
    for (let i = 0; i < 5; i += 1) expect(await run.execute(anotherCall())).toMatchObject({ outcome: 'NO_REPLY' });
    expect(breaker.state).toBe('OPEN');
    const written = session.sent.length;
    expect(await run.execute(anotherCall())).toMatchObject({ outcome: 'NOT_SENT', reason: expect.stringContaining('circuit breaker open') });
    expect(session.sent).toHaveLength(written);
  });

  it('bank rejections keep it closed: the bank is working', async () => {
    breaker = new OpossumCallBreaker(options, silentLogger, 'test');
    const session = new FakeBankSession();
    session.respond = async (draft) => transferReply(draft, '1001');
    const run = executor(session, breaker);
    for (let i = 0; i < 8; i += 1) await run.execute(anotherCall());
    expect(breaker.state).toBe('CLOSED');
  });

  it('no session counts against the bank', async () => {
    breaker = new OpossumCallBreaker(options, silentLogger, 'test');
    const run = executor(undefined, breaker);
    for (let i = 0; i < 5; i += 1) expect(await run.execute(anotherCall())).toMatchObject({ outcome: 'NOT_SENT' });
    expect(breaker.state).toBe('OPEN');
  });

  it('half-open lets one trial through; its success closes the breaker; every change is told at once', async () => {
    const changes: BreakerState[] = [];
    breaker = new OpossumCallBreaker({ ...options, resetTimeoutMs: 50 }, silentLogger, 'test', (state) => changes.push(state));
    const session = new FakeBankSession();
    session.respond = () => Promise.reject(new ConnectionClosedError(true, 'reset'));
    const run = executor(session, breaker);
    for (let i = 0; i < 5; i += 1) await run.execute(anotherCall());
    expect(breaker.state).toBe('OPEN');
    await new Promise((resolve) => setTimeout(resolve, 80));
    expect(breaker.state).toBe('HALF_OPEN');
    session.respond = async (draft) => transferReply(draft, '0000');
    expect(await run.execute(anotherCall())).toMatchObject({ outcome: 'REPLIED' });
    expect(breaker.state).toBe('CLOSED');
    expect(changes).toEqual(['OPEN', 'HALF_OPEN', 'CLOSED']);
  });
});
