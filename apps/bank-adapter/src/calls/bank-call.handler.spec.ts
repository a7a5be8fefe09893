import { INSTRUCTION_CODES, type ProtocolMessage, type RequestDraft } from '@custody/bank-protocol';
import { bankCallCompleted, bankCallRequestedFor, type EventEnvelope } from '@custody/contracts';
import { newEnvelope } from '@custody/messaging';
import { Money } from '@custody/money';
import { silentLogger } from '../platform/adapter-logger';
import { aBankCall } from '../testing/bank-call.fixture';
import { BANK_CODE, bankReplyHeaderFor, BROKER_ID, fakeSecrets, FakeBankSession, FakeSessionSource } from '../testing/bank-session.fake';
import { RecordingEnvelopePublisher } from '../testing/recording.publisher';
import { BankCallExecutor } from './bank-call.executor';
import { BankCallHandler } from './bank-call.handler';
import type { BankCall, CallCompletion } from './bank-call.types';
import type { CallBreaker } from './bank-circuit-breaker';
import type { CompletedCallStore } from './completed-call.store';
import { InMemoryCallClaims } from '../testing/call-claims.fake';

class MemoryCompletedCalls implements CompletedCallStore {
  readonly records = new Map<string, CallCompletion>();
  broken = false;

  async find(callId: string): Promise<CallCompletion | undefined> {
    if (this.broken) throw new Error('Redis down');
    return this.records.get(callId);
  }

  async remember(completion: CallCompletion): Promise<void> {
    if (this.broken) throw new Error('Redis down');
    this.records.set(completion.callId, completion);
  }
}

const passThrough: CallBreaker = { state: 'CLOSED', run: (send) => send(), shutdown: () => undefined };

function callEnvelope(overrides: Partial<BankCall> = {}): EventEnvelope<BankCall> {
  const call: BankCall = aBankCall(overrides);
  return newEnvelope(bankCallRequestedFor(call.bankCode), call, { key: call.bankCode });
}

function setUp(sessions = new FakeSessionSource(), claims = new InMemoryCallClaims()) {
  const publisher = new RecordingEnvelopePublisher();
  const records = new MemoryCompletedCalls();
  const executor = new BankCallExecutor({ bankCode: BANK_CODE, brokerInstId: BROKER_ID, requestTimeoutMs: 3000, instanceId: 'adapter-a' }, sessions, passThrough, fakeSecrets, claims);
  const execute = jest.spyOn(executor, 'execute');
  const handler = new BankCallHandler(executor, records, publisher, silentLogger);
  return { publisher, records, execute, handler };
}

describe('a bank call → exactly one bankCallCompleted', () => {
  it('publishes one completion keyed by fund account, correlated by callId and caused by the call message', async () => {
    const { publisher, handler } = setUp();
    const envelope = callEnvelope();
    await handler.handle(envelope);
    const [completion] = publisher.envelopesOf(bankCallCompleted);
    expect(publisher.published).toHaveLength(1);
    expect(completion).toMatchObject({ key: envelope.payload.fundAccountNo, correlationId: envelope.payload.callId, causationId: envelope.id, businessDate: '2026-11-21' });
    expect(completion.payload).toMatchObject({ callId: envelope.payload.callId, outcome: 'NOT_SENT' });
  });

  it('a redelivered call is answered from its completion record (the bank\'s reply again) and not sent again', async () => {
    const session = new FakeBankSession();
    session.respond = async (draft) => transferReply(draft);
    const { publisher, handler } = setUp(FakeSessionSource.with(session));
    const envelope = callEnvelope();
    await handler.handle(envelope);
    await handler.handle(envelope);
    expect(session.sent).toHaveLength(1);
    const completions = publisher.envelopesOf(bankCallCompleted).map((e) => e.payload);
    expect(completions.map((completion) => completion.outcome)).toEqual(['REPLIED', 'REPLIED']);
    expect(completions[1]).toEqual(completions[0]);
  });

  it('issue 9: a call the bank replied to is not looked up in the completion records: only a delivery without a reply of its own can be a repeat', async () => {
    const session = new FakeBankSession();
    session.respond = async (draft) => transferReply(draft);
    const { records, handler } = setUp(FakeSessionSource.with(session));
    const find = jest.spyOn(records, 'find');
    await handler.handle(callEnvelope());
    expect(find).not.toHaveBeenCalled();
    expect([...records.records.values()].map((completion) => completion.outcome)).toEqual(['REPLIED']);
  });

  it('without Redis the call is still made and answered: the record is an optimisation', async () => {
    const { publisher, records, execute, handler } = setUp();
    records.broken = true;
    await handler.handle(callEnvelope());
    expect(execute).toHaveBeenCalledTimes(1);
    expect(publisher.envelopesOf(bankCallCompleted)).toHaveLength(1);
  });

  it('item 1: a call reported NOT_SENT whose record Redis lost is redelivered and is NOT_SENT again; nothing reaches the bank', async () => {
    const session = new FakeBankSession();
    session.respond = async (draft) => transferReply(draft);
    const sessions = new FakeSessionSource();
    const { publisher, records, execute, handler } = setUp(sessions);
    const envelope = callEnvelope();

    await handler.handle(envelope);
    expect(publisher.envelopesOf(bankCallCompleted)[0].payload).toMatchObject({ outcome: 'NOT_SENT' });

    // Redis loses the record, the adapter crashes before its offset passes the call, and by the
    // redelivery the bank is reachable again: the saga has already failed the transfer and released the hold.
    records.records.clear();
    sessions.sessions.push({ id: 's0-test', slot: 0, since: new Date(), connection: session });
    await handler.handle(envelope);

    expect(execute).toHaveBeenCalledTimes(2);
    expect(session.sent).toHaveLength(0);
    const completions = publisher.envelopesOf(bankCallCompleted).map((e) => e.payload);
    expect(completions[1]).toMatchObject({ outcome: 'NOT_SENT', reason: expect.stringContaining('fenced off by an earlier delivery') });
  });

  it('item 1: a redelivery without its record, of a call already written, is not written again: NO_REPLY, and the saga asks the bank', async () => {
    const session = new FakeBankSession();
    session.respond = async (draft) => transferReply(draft);
    const { publisher, records, handler } = setUp(FakeSessionSource.with(session));
    const envelope = callEnvelope();
    await handler.handle(envelope);
    records.records.clear();
    await handler.handle(envelope);
    expect(session.sent).toHaveLength(1);
    expect(publisher.envelopesOf(bankCallCompleted).map((e) => e.payload.outcome)).toEqual(['REPLIED', 'NO_REPLY']);
  });

  it('the send budget runs from when the call reached the handler, waiting behind the same account included', async () => {
    const bank = heldBank();
    const { publisher, handler } = setUp(FakeSessionSource.with(bank.session));
    const first = handler.handle(callEnvelope({ callId: '6f9619ff-8b86-4011-b42d-00c04fc964b1', serialNo: '20261121200000000041' }));
    const second = handler.handle(callEnvelope({ callId: '6f9619ff-8b86-4011-b42d-00c04fc964b2', serialNo: '20261121200000000042', sendWithinMs: 50 }));
    await new Promise((resolve) => setTimeout(resolve, 80));
    bank.answer('20261121200000000041');
    await Promise.all([first, second]);
    expect(bank.session.sent.map((draft) => draft.serial)).toEqual(['20261121200000000041']);
    expect(publisher.envelopesOf(bankCallCompleted).map((e) => e.payload.outcome)).toEqual(['REPLIED', 'NOT_SENT']);
  });

  it('a failed publish fails the handler, so the offset is not committed and the call comes again', async () => {
    const { publisher, handler } = setUp();
    publisher.failures = 1;
    await expect(handler.handle(callEnvelope())).rejects.toThrow('broker unavailable');
    await handler.handle(callEnvelope());
    expect(publisher.envelopesOf(bankCallCompleted)).toHaveLength(1);
  });
});

function transferReply(draft: RequestDraft): ProtocolMessage {
  return {
    name: 'Trf.002.01',
    body: { MsgHdr: bankReplyHeaderFor(INSTRUCTION_CODES.SECURITIES_TO_BANK, draft.serial ?? '', 'B1'), Rst: { Code: '0000' }, TrfAmt: Money.parse('300.00') },
  };
}

/** A session whose bank answers each request only when the test says so. */
function heldBank(): { session: FakeBankSession; answer: (serial: string) => void } {
  const session = new FakeBankSession();
  const pending = new Map<string, () => void>();
  session.respond = (draft: RequestDraft) =>
    new Promise<ProtocolMessage>((resolve) => pending.set(draft.serial ?? '', () => resolve(transferReply(draft))));
  return { session, answer: (serial) => pending.get(serial)?.() };
}

async function settled(): Promise<void> {
  for (let i = 0; i < 20; i += 1) await new Promise((resolve) => setImmediate(resolve));
}

describe('calls handled side by side (the windowed consumer runs several at once)', () => {
  const serials = ['20261121200000000011', '20261121200000000012', '20261121200000000013'];

  it('calls of different accounts are at the bank at the same time', async () => {
    const bank = heldBank();
    const { publisher, handler } = setUp(FakeSessionSource.with(bank.session));
    const calls = ['880001', '880002', '880003'].map((fundAccountNo, i) =>
      callEnvelope({ callId: `6f9619ff-8b86-4011-b42d-00c04fc964f${i}`, serialNo: serials[i], fundAccountNo }),
    );
    const handled = calls.map((call) => handler.handle(call));
    await settled();
    expect(bank.session.sent.map((draft) => draft.serial)).toEqual(serials);
    serials.forEach((serial) => bank.answer(serial));
    await Promise.all(handled);
    expect(publisher.envelopesOf(bankCallCompleted).map((e) => e.payload.outcome)).toEqual(['REPLIED', 'REPLIED', 'REPLIED']);
  });

  it('calls of one account go to the bank one after another, in the order they came', async () => {
    const bank = heldBank();
    const { handler } = setUp(FakeSessionSource.with(bank.session));
    const first = handler.handle(callEnvelope({ callId: '6f9619ff-8b86-4011-b42d-00c04fc964a1', serialNo: serials[0] }));
    const second = handler.handle(callEnvelope({ callId: '6f9619ff-8b86-4011-b42d-00c04fc964a2', serialNo: serials[1] }));
    await settled();
    expect(bank.session.sent.map((draft) => draft.serial)).toEqual([serials[0]]);
    bank.answer(serials[0]);
    await first;
    await settled();
    expect(bank.session.sent.map((draft) => draft.serial)).toEqual([serials[0], serials[1]]);
    bank.answer(serials[1]);
    await second;
  });

  it('a duplicate delivered next to its original waits for it and is answered from its completion record: one request at the bank', async () => {
    const bank = heldBank();
    const { publisher, handler } = setUp(FakeSessionSource.with(bank.session));
    const envelope = callEnvelope({ serialNo: serials[0] });
    const original = handler.handle(envelope);
    const duplicate = handler.handle(envelope);
    await settled();
    bank.answer(serials[0]);
    await Promise.all([original, duplicate]);
    expect(bank.session.sent).toHaveLength(1);
    const completions = publisher.envelopesOf(bankCallCompleted).map((e) => e.payload);
    expect(completions).toHaveLength(2);
    expect(completions[1]).toEqual(completions[0]);
  });
});
