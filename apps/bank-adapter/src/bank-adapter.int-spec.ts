import { randomBytes, randomUUID } from 'node:crypto';
import { createServer as createHttpServer, type Server as HttpServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { ClearPin, INSTRUCTION_CODES, passwordComponent, PinVerifierPrivateKey, PinVerifierPublicKey } from '@custody/bank-protocol';
import { bankCallCompleted, bankCallRequestedFor, bankReplyReadyFor, bankRequestReceived, type EventEnvelope } from '@custody/contracts';
import { createIdempotentProducer, encodeEnvelope, ensureTopics, newEnvelope } from '@custody/messaging';
import { Money } from '@custody/money';
import {
  FundPasswordVerificationClient,
  newIssuer,
  readFundPinPrivateKey,
  readFundPinPublicKey,
  SecretSealer,
  SERVICE_ROLE,
  TokenSource,
  TokenVerifier,
  TopicNamespace,
} from '@custody/service-kit';
import {
  assignedTopics,
  committedOffset,
  createTestDatabase,
  createTestKafka,
  redisUrlFromEnv,
  requireInfrastructure,
  testConsumerTimings,
  type TestDatabase,
  TopicRecorder,
  uniqueTopicName,
  waitFor,
} from '@custody/testing';
import Redis from 'ioredis';
import type { Kafka, Producer } from 'kafkajs';
import { startBankAdapter, type RunningBankAdapter } from './bank-adapter.runtime';
import { BANK_ADAPTER_SCHEMA } from './bank-adapter.schema';
import type { BankCall, CallCompletion } from './calls/bank-call.types';
import { HttpFundPasswordChecker } from './inbound/fund-password.verifier';
import type { BankReplyReady, BankRequestReceived } from './inbound/inbound-request.mapper';
import { silentLogger } from './platform/adapter-logger';
import { MinimalBank, TEST_BANK, testBankConfig } from './testing/minimal-bank';

/*
 * The adapter's core against real Kafka and Redis and a minimal bank written here with the protocol
 * library's bank side, on a random port. No stand-in for our broker or cache.
 */
jest.setTimeout(90_000);

const BROKER_ID = TEST_BANK.brokerInstId;
const BANK_CODE = TEST_BANK.code;
const EXCHANGE_KEY_HEX = TEST_BANK.exchangeKeyHex;
const REQUEST_TIMEOUT_MS = 1_500;
const BREAKER_RESET_MS = 4_000;
/** The saga allows a couple of seconds; here calls wait behind held ones and Kafka, so the default is generous. */
const SEND_WITHIN_MS = 60_000;

/**
 * The account service's fund password check, as its API answers (spec: POST
 * /internal/v1/fund-password-verifications): it holds the private key the adapter translates PIN blocks to,
 * and '135790' is the password on record for every account. `down` drops every connection unanswered.
 */
class AccountServiceStub {
  readonly requests: Array<{ authorization: string; fundAccountNo: string; raw: string }> = [];
  private readonly pinKey = new PinVerifierPrivateKey(readFundPinPrivateKey({}));
  down = false;
  private server: HttpServer | undefined;
  url = '';

  async start(): Promise<void> {
    const server = createHttpServer((req, res) => {
      if (this.down) {
        req.socket.destroy();
        return;
      }
      let raw = '';
      req.on('data', (chunk: Buffer) => (raw += chunk.toString()));
      req.on('end', () => {
        const body = JSON.parse(raw) as { attemptId: string; fundAccountNo: string; pinBlock: string; pinKeyId: string };
        this.requests.push({ authorization: req.headers.authorization ?? '', fundAccountNo: body.fundAccountNo, raw });
        const pin = this.pinKey.recover({ keyId: body.pinKeyId, block: body.pinBlock }, body);
        const result = body.fundAccountNo === '889999' ? 'UNKNOWN_FUND_ACCOUNT' : pin.reveal() === '135790' ? 'MATCHED' : 'MISMATCHED';
        res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ result }));
      });
    });
    this.server = server;
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
    this.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  }

  async stop(): Promise<void> {
    const server = this.server;
    server?.closeAllConnections();
    if (server) await new Promise<void>((resolve) => server.close(() => resolve()));
  }
}

// The adapter's own identity, trusted by the account service for the service role only.
const ADAPTER_IDENTITY = newIssuer(`bank-adapter-${BANK_CODE}`, [SERVICE_ROLE]);
const accountService = new AccountServiceStub();

let kafka: Kafka;
let producer: Producer;
let recorder: TopicRecorder;
let redis: Redis;
let adapter: RunningBankAdapter;
let db: TestDatabase;
const bank = new MinimalBank();
const namespace = new TopicNamespace(uniqueTopicName('bank-adapter'));
const sealer = new SecretSealer(randomBytes(32));

let serialCounter = 0;
function withdrawal(fundAccountNo = '880001', sendWithinMs = SEND_WITHIN_MS): BankCall {
  serialCounter += 1;
  return {
    callId: randomUUID(),
    bankCode: BANK_CODE,
    function: 'SECURITIES_TO_BANK',
    serialNo: `${Date.now().toString().slice(-10)}3${String(serialCounter).padStart(9, '0')}`,
    businessDate: '2026-11-21',
    resend: false,
    sendWithinMs,
    fundAccountNo,
    currency: 'CNY',
    amount: Money.parse('300.00'),
    bankAccountNo: '6222021234567890123',
  };
}

async function sendCall(call: BankCall): Promise<void> {
  const envelope = newEnvelope(bankCallRequestedFor(call.bankCode), call, { key: call.bankCode });
  await producer.send({ topic: namespace.name(bankCallRequestedFor(call.bankCode).name), acks: -1, messages: [{ key: call.bankCode, value: encodeEnvelope(envelope) }] });
}

async function completionOf(callId: string, timeoutMs = 15_000): Promise<{ key: string | null; envelope: EventEnvelope<CallCompletion> }> {
  const topic = namespace.name(bankCallCompleted.name);
  const [message] = await recorder.waitForCount(1, {
    timeoutMs,
    filter: (m) => m.topic === topic && (m.json as EventEnvelope<CallCompletion>).payload.callId === callId,
  });
  return { key: message.key, envelope: message.json as EventEnvelope<CallCompletion> };
}

let bankSerialCounter = 0;
/** A serial the bank issues for its own request (at most 20 characters, profile §1). */
function bankSerial(): string {
  bankSerialCounter += 1;
  return `B${Date.now().toString().slice(-10)}${String(bankSerialCounter).padStart(4, '0')}`;
}

async function forwardedFor(bankSerialNo: string): Promise<{ payload: BankRequestReceived; raw: string; key: string | null }> {
  const topic = namespace.name(bankRequestReceived.name);
  const [received] = await recorder.waitForCount(1, {
    filter: (m) => m.topic === topic && (m.json as EventEnvelope<BankRequestReceived>).payload.serialNo === bankSerialNo,
  });
  return { payload: (received.json as EventEnvelope<BankRequestReceived>).payload, raw: JSON.stringify(received.json), key: received.key };
}

/** The owner's part (the transfer service): its answer, routed back with the request's route. */
async function answerAs(request: BankRequestReceived, fields: Partial<BankReplyReady> = {}): Promise<void> {
  const payload: BankReplyReady = {
    inboundId: request.inboundId,
    bankCode: BANK_CODE,
    route: request.route,
    function: request.function,
    returnCode: '0000',
    returnMessage: '交易成功',
    ...fields,
  };
  const envelope = newEnvelope(bankReplyReadyFor(BANK_CODE), payload, { key: BANK_CODE });
  await producer.send({ topic: namespace.name(bankReplyReadyFor(BANK_CODE).name), acks: -1, messages: [{ key: BANK_CODE, value: encodeEnvelope(envelope) }] });
}

const BANK_ACCOUNT = { Id: '6222021234567890123', Type: '1' as const };

beforeAll(async () => {
  await requireInfrastructure({ kafka: true, redis: true });
  kafka = createTestKafka('bank-adapter-int');
  producer = createIdempotentProducer(kafka);
  await producer.connect();
  redis = new Redis(redisUrlFromEnv());
  await bank.listen();
  await accountService.start();
  db = await createTestDatabase({ name: 'bank_adapter', ...BANK_ADAPTER_SCHEMA });
  adapter = await startBankAdapter({
    bank: testBankConfig(bank.port, REQUEST_TIMEOUT_MS),
    brokerInstId: BROKER_ID,
    exchangeKey: Buffer.from(EXCHANGE_KEY_HEX, 'hex'),
    namespace,
    kafka,
    redisUrl: redisUrlFromEnv(),
    databaseUrl: db.databaseUrl,
    secrets: sealer,
    fundPasswords: new HttpFundPasswordChecker(
      new PinVerifierPublicKey(readFundPinPublicKey({})),
      new FundPasswordVerificationClient(accountService.url, new TokenSource(ADAPTER_IDENTITY.identity, SERVICE_ROLE).token),
    ),
    logger: silentLogger,
    timings: { breakerResetTimeoutMs: BREAKER_RESET_MS, reconnectInitialDelayMs: 50, reconnectMaxDelayMs: 200 },
    consumerTuning: testConsumerTimings,
  });
  recorder = await TopicRecorder.start(kafka, [namespace.name(bankCallCompleted.name), namespace.name(bankRequestReceived.name)]);
  await waitFor(() => adapter.status().sessions.up === 2, { timeoutMs: 15_000, description: 'both sessions signed in' });
});

afterAll(async () => {
  await adapter?.stop();
  await recorder?.stop();
  await producer?.disconnect();
  await bank.close();
  await accountService.stop();
  await db?.drop();
  if (redis) {
    const keys = await redis.keys(`${namespace.prefix}.*`);
    if (keys.length > 0) await redis.del(...keys);
    redis.disconnect();
  }
});

describe('bank adapter against a bank, real Kafka and Redis', () => {
  it('F-4.2 S: a 12002 call reaches the bank under the saga serial and comes back REPLIED 0000 on Kafka, keyed by fund account (account traffic)', async () => {
    const call = withdrawal();
    await sendCall(call);
    const { key, envelope } = await completionOf(call.callId);
    expect(key).toBe(call.fundAccountNo);
    expect(envelope.correlationId).toBe(call.callId);
    expect(envelope.payload).toMatchObject({ callId: call.callId, serialNo: call.serialNo, outcome: 'REPLIED', returnCode: '0000', bankSerialNo: expect.any(String) });
    const seen = bank.received.find((m) => m.body.MsgHdr.Ref.Ref === call.serialNo);
    expect(seen?.body.MsgHdr.InstrCd).toBe(INSTRUCTION_CODES.SECURITIES_TO_BANK);
    expect(seen?.name === 'Trf.001.01' && seen.body.TrfAmt.toString()).toBe('300.00');
  });

  it("issue 9: the adapter reads its own bank's call topic and no other: another bank's call is never delivered to it", async () => {
    const otherBank = '1051000';
    const otherTopic = namespace.name(bankCallRequestedFor(otherBank).name);
    await ensureTopics(kafka, [otherTopic], { partitions: 8 });
    const theirs = { ...withdrawal('880011'), bankCode: otherBank };
    const [published] = await producer.send({
      topic: otherTopic,
      acks: -1,
      messages: [{ key: otherBank, value: encodeEnvelope(newEnvelope(bankCallRequestedFor(otherBank), theirs, { key: otherBank })) }],
    });
    // A call of its own, sent after the other bank's and answered: the adapter is consuming meanwhile.
    const ours = withdrawal('880012');
    await sendCall(ours);
    await completionOf(ours.callId);

    const group = namespace.group(`bank-adapter-${BANK_CODE}`);
    expect(await assignedTopics(kafka, group)).toEqual([namespace.name(bankCallRequestedFor(BANK_CODE).name)]);
    expect(await committedOffset(kafka, group, otherTopic, published.partition)).toBeUndefined();
    expect(recorder.messages.filter((m) => (m.json as EventEnvelope<CallCompletion>).payload.callId === theirs.callId)).toEqual([]);
    expect(bank.received.some((m) => m.body.MsgHdr.Ref.Ref === theirs.serialNo)).toBe(false);
  });

  it('item 6: a call that cannot be written within its send budget (here: behind a held call of the same account) is NOT_SENT, fenced off, and never written', async () => {
    const held = withdrawal('880009');
    const late = withdrawal('880009', 300);
    bank.holdSerials.add(held.serialNo);
    try {
      await sendCall(held);
      await sendCall(late);
      const { envelope } = await completionOf(late.callId);
      expect(envelope.payload).toMatchObject({ outcome: 'NOT_SENT', reason: expect.stringContaining('300 ms send budget') });
      const [claim] = await db.dataSource.query(`SELECT state, instance_id FROM bank_adapter.call_claims WHERE call_id = $1`, [late.callId]);
      expect(claim).toEqual({ state: 'NOT_SENT', instance_id: adapter.instanceId });
    } finally {
      bank.release(held.serialNo);
      bank.holdSerials.delete(held.serialNo);
    }
    // The held call ran into the bank's requestTimeoutMs meanwhile: written, unanswered.
    expect((await completionOf(held.callId)).envelope.payload).toMatchObject({ outcome: 'NO_REPLY' });
    expect(bank.received.some((m) => m.body.MsgHdr.Ref.Ref === late.serialNo)).toBe(false);
  });

  it('the adapter shares its sessions in Redis: which are up and since when', async () => {
    const record = await waitFor(async () => {
      const raw = await redis.get(`${namespace.name('custody.bank-adapter')}:${BANK_CODE}:instance:${adapter.instanceId}`);
      const parsed = raw ? (JSON.parse(raw) as { sessions: { up: number; detail: Array<{ since: string }> } }) : undefined;
      return parsed?.sessions.up === 2 ? parsed : undefined;
    });
    expect(record.sessions.detail.every((s) => !Number.isNaN(Date.parse(s.since)))).toBe(true);
  });

  it('F-4.1 B: a bank-initiated 12001 crosses to Kafka and its bankReplyReady is written back on the session that carried it', async () => {
    const carrier = bank.sessions[1];
    const bankRequest = carrier.request(
      {
        name: 'Trf.001.01',
        instrCd: INSTRUCTION_CODES.BANK_TO_SECURITIES,
        body: { BkAcct: { Id: '6222021234567890123', Type: '1' }, ScAcct: { Id: '880001', Type: '3' }, Ccy: 'CNY', TrfAmt: Money.parse('250') },
      },
      { timeoutMs: 20_000 },
    );
    const topic = namespace.name(bankRequestReceived.name);
    const [received] = await recorder.waitForCount(1, { filter: (m) => m.topic === topic });
    const request = (received.json as EventEnvelope<BankRequestReceived>).payload;
    expect(received.key).toBe('880001');
    expect(request).toMatchObject({ function: 'BANK_TO_SECURITIES', amount: '250.00', fundAccountNo: '880001', currency: 'CNY', resend: false });
    // Read off the session a moment ago: the owner measures the bank's replyDeadlineMs from it.
    expect(Date.now() - Date.parse(request.receivedAt)).toBeLessThan(15_000);
    expect(request.route.adapterInstanceId).toBe(adapter.instanceId);

    // The transfer service's part: the answer, routed back with the request's route.
    const ourSerial = `${Date.now().toString().slice(-10)}2${String(serialCounter).padStart(9, '0')}`;
    const answer = newEnvelope(
      bankReplyReadyFor(BANK_CODE),
      { inboundId: request.inboundId, bankCode: BANK_CODE, route: request.route, function: 'BANK_TO_SECURITIES', returnCode: '0000', returnMessage: '交易成功', serialNo: ourSerial },
      { key: BANK_CODE },
    );
    await producer.send({ topic: namespace.name(bankReplyReadyFor(BANK_CODE).name), acks: -1, messages: [{ key: BANK_CODE, value: encodeEnvelope(answer) }] });

    // The reply resolved on `carrier`, so it came back on the very session that carried the request.
    const reply = await bankRequest;
    expect(reply.name).toBe('Trf.002.01');
    expect(reply.body.Rst.Code).toBe('0000');
    expect(reply.body.MsgHdr.Ref.Ref).toBe(ourSerial);
    expect(reply.body.MsgHdr.RltdRef?.Ref).toBe(request.serialNo);
    expect(adapter.status().pendingBankRequests).toBe(0);
  });

  it('a bank that does not answer: the call is NO_REPLY after requestTimeoutMs, never a guess', async () => {
    bank.mode = 'silent';
    try {
      const call = withdrawal();
      const sentAt = Date.now();
      await sendCall(call);
      const { envelope } = await completionOf(call.callId);
      expect(envelope.payload).toMatchObject({ outcome: 'NO_REPLY', reason: `no reply within ${REQUEST_TIMEOUT_MS} ms` });
      expect(envelope.payload.returnCode).toBeUndefined();
      expect(Date.now() - sentAt).toBeGreaterThanOrEqual(REQUEST_TIMEOUT_MS);
      expect(bank.received.some((m) => m.body.MsgHdr.Ref.Ref === call.serialNo)).toBe(true);
    } finally {
      bank.mode = 'answer';
    }
  });

  it('no bank listening: calls are NOT_SENT; after repeated failures the breaker opens and calls are refused at once, with nothing written; the bank back, it closes', async () => {
    const port = bank.port;
    await bank.close();
    await waitFor(() => adapter.status().sessions.up === 0, { description: 'sessions down' });

    for (let i = 0; i < 5; i += 1) {
      const call = withdrawal();
      await sendCall(call);
      const { envelope } = await completionOf(call.callId);
      expect(envelope.payload).toMatchObject({ outcome: 'NOT_SENT' });
    }
    expect(adapter.status().breaker).toBe('OPEN');

    // The bank is back and the sessions sign in again, but the breaker is still open: refused, not sent.
    await bank.listen(port);
    await waitFor(() => adapter.status().sessions.up === 2, { description: 'sessions back' });
    const receivedBefore = bank.received.length;
    const refused = withdrawal();
    await sendCall(refused);
    const { envelope: refusedCompletion } = await completionOf(refused.callId);
    expect(refusedCompletion.payload).toMatchObject({ outcome: 'NOT_SENT', reason: expect.stringContaining('circuit breaker open') });
    expect(bank.received.length).toBe(receivedBefore);

    // After resetTimeout one trial goes through; its success closes the breaker.
    await waitFor(() => adapter.status().breaker === 'HALF_OPEN', { timeoutMs: BREAKER_RESET_MS + 5_000, description: 'breaker half-open' });
    const trial = withdrawal();
    await sendCall(trial);
    const { envelope: trialCompletion } = await completionOf(trial.callId);
    expect(trialCompletion.payload).toMatchObject({ outcome: 'REPLIED', returnCode: '0000' });
    expect(adapter.status().breaker).toBe('CLOSED');
  });

  it('calls to one bank are pipelined: sessions × maxInFlightPerSession (2 × 4) at the bank at once, never more, and all REPLIED', async () => {
    bank.holdAll = true;
    bank.maxHeld = 0;
    try {
      const calls = Array.from({ length: 10 }, (_, i) => withdrawal(`8810${String(i).padStart(2, '0')}`));
      for (const call of calls) await sendCall(call);
      await waitFor(() => bank.heldCount === 8, { description: 'eight calls waiting at the bank at once' });
      expect(adapter.status().sessions.detail.map((s) => s.inFlight)).toEqual([4, 4]);
      // The consumer's window is what the sessions carry: the other two wait for a slot, not in a session queue.
      await new Promise((resolve) => setTimeout(resolve, 300));
      expect(bank.heldCount).toBe(8);
      bank.holdAll = false;
      bank.release();
      for (const call of calls) {
        const { envelope } = await completionOf(call.callId);
        expect(envelope.payload).toMatchObject({ outcome: 'REPLIED', returnCode: '0000' });
      }
      expect(bank.maxHeld).toBe(8);
    } finally {
      bank.holdAll = false;
      bank.release();
    }
  });

  it('one unanswered call holds up none of the calls behind it', async () => {
    const stuck = withdrawal('882000');
    bank.holdSerials.add(stuck.serialNo);
    try {
      const others = ['882001', '882002', '882003'].map((account) => withdrawal(account));
      for (const call of [stuck, ...others]) await sendCall(call);
      for (const call of others) {
        const { envelope } = await completionOf(call.callId);
        expect(envelope.payload).toMatchObject({ outcome: 'REPLIED', returnCode: '0000' });
      }
      // Answered while the first call is still waiting at the bank.
      expect(bank.heldCount).toBe(1);
      bank.release(stuck.serialNo);
      const { envelope } = await completionOf(stuck.callId);
      expect(envelope.payload).toMatchObject({ outcome: 'REPLIED', returnCode: '0000' });
    } finally {
      bank.holdSerials.delete(stuck.serialNo);
      bank.release();
    }
  });
});

/*
 * Issue 3 on the wire: reversals and queries out, every transfer function in, bad bytes. Last, so that
 * their successful calls do not dilute the breaker's failure rate in the test above.
 */
describe('bank adapter: reversals, bank-initiated functions and bad input', () => {
  it.each([
    ['REVERSE_SECURITIES_TO_BANK', INSTRUCTION_CODES.REVERSE_SECURITIES_TO_BANK, '0000'],
    ['REVERSE_BANK_TO_SECURITIES', INSTRUCTION_CODES.REVERSE_BANK_TO_SECURITIES, '1005'],
  ] as const)('F-4.3/F-4.4 S: a %s call is a Trf.003.01 (%s) naming our original in CnRef (issuer S, broker InstId); the Trf.004.01 is REPLIED with its code %s', async (fn, instrCd, code) => {
    const original = withdrawal('883001');
    await sendCall(original);
    await completionOf(original.callId);
    bank.reversalCode = code;
    try {
      const reversal: BankCall = { ...withdrawal('883001'), function: fn, cancelledSerialNo: original.serialNo };
      await sendCall(reversal);
      const { envelope } = await completionOf(reversal.callId);
      expect(envelope.payload).toMatchObject({ callId: reversal.callId, function: fn, serialNo: reversal.serialNo, outcome: 'REPLIED', returnCode: code, bankSerialNo: expect.any(String) });
      const seen = bank.received.find((m) => m.body.MsgHdr.Ref.Ref === reversal.serialNo);
      expect(seen?.name).toBe('Trf.003.01');
      if (seen?.name !== 'Trf.003.01') return;
      expect(seen.body.MsgHdr).toMatchObject({ InstrCd: instrCd, TradSrc: 'S', Ref: { Ref: reversal.serialNo, IssrType: 'S', RefIssr: BROKER_ID } });
      expect(seen.body.CnRef).toEqual({ Ref: original.serialNo, IssrType: 'S', RefIssr: BROKER_ID });
      expect(seen.body.TrfAmt?.toString()).toBe('300.00');
      expect(seen.body.ScAcct?.Id).toBe('883001');
    } finally {
      bank.reversalCode = '0000';
    }
  });

  it.each([
    ['the password on record', 'MATCHED', '880001', '135790', '0000'],
    ['a wrong password', 'MISMATCHED', '880001', '000000', '2001'],
    ['a fund account the account service does not know', 'NOT_SET', '889999', '135790', '2011'],
    ['no password', 'MISSING', '880001', undefined, '2001'],
  ])('F-4.2 B: a 12002 with %s is verified at once with the session PIN key and the account service, forwarded %s, and answered on its session', async (_case, verdict, fundAccountNo, password, code) => {
    const carrier = bank.sessions[0];
    const pinKey = carrier.workingKeys?.pinKey ?? Buffer.alloc(16);
    const asked = accountService.requests.length;
    const serial = bankSerial();
    const pwd = password === undefined ? {} : { Pwd: [passwordComponent(pinKey, ClearPin.of(password), fundAccountNo)] };
    const bankRequest = carrier.request(
      {
        name: 'Trf.001.01',
        instrCd: INSTRUCTION_CODES.SECURITIES_TO_BANK,
        serial,
        body: { BkAcct: BANK_ACCOUNT, ScAcct: { Id: fundAccountNo, Type: '3', ...pwd }, Ccy: 'CNY', TrfAmt: Money.parse('120') },
      },
      { timeoutMs: 20_000 },
    );
    const { payload: request, raw, key } = await forwardedFor(serial);
    expect(key).toBe(fundAccountNo);
    expect(request).toMatchObject({ function: 'SECURITIES_TO_BANK', fundPassword: verdict, fundAccountNo, amount: '120.00', currency: 'CNY', resend: false });
    // Neither the clear password nor the PIN block leaves the adapter.
    expect(raw).not.toMatch(/135790|000000"|Pwd/);
    // The account service is asked once when there is a password to check, never without one.
    const checks = accountService.requests.slice(asked);
    expect(checks.map((c) => c.fundAccountNo)).toEqual(password === undefined ? [] : [fundAccountNo]);
    for (const check of checks) {
      // Item 4: the account service got the PIN block translated to its key, never the password.
      expect(check.raw).not.toContain(password);
      expect(new TokenVerifier([ADAPTER_IDENTITY.trusted]).verify(check.authorization.replace(/^Bearer /, ''))).toEqual({
        issuer: `bank-adapter-${BANK_CODE}`,
        role: 'service',
        subject: `bank-adapter-${BANK_CODE}`,
      });
    }

    await answerAs(request, { returnCode: code, returnMessage: code, serialNo: `${Date.now().toString().slice(-10)}2${String(bankSerialCounter).padStart(9, '0')}` });
    const reply = await bankRequest;
    expect(reply.name).toBe('Trf.002.01');
    expect(reply.body.Rst.Code).toBe(code);
    expect(reply.body.MsgHdr.RltdRef?.Ref).toBe(serial);
    expect(reply.body.ScAcct?.Id).toBe(fundAccountNo);
  });

  it('F-4.2 B: when the account service cannot be reached the bank gets 2041 from the adapter and nothing is forwarded', async () => {
    accountService.down = true;
    try {
      const carrier = bank.sessions[1];
      const serial = bankSerial();
      const reply = await carrier.request(
        {
          name: 'Trf.001.01',
          instrCd: INSTRUCTION_CODES.SECURITIES_TO_BANK,
          serial,
          body: {
            ScAcct: { Id: '880001', Type: '3', Pwd: [passwordComponent(carrier.workingKeys?.pinKey ?? Buffer.alloc(16), ClearPin.of('135790'), '880001')] },
            TrfAmt: Money.parse('50'),
          },
        },
        { timeoutMs: 20_000 },
      );
      expect(reply.body.Rst.Code).toBe('2041');
      // Anything forwarded would have been published before the reply was written; give Kafka a moment to show it.
      await new Promise((resolve) => setTimeout(resolve, 1_000));
      const topic = namespace.name(bankRequestReceived.name);
      expect(recorder.messages.filter((m) => m.topic === topic && (m.json as EventEnvelope<BankRequestReceived>).payload.serialNo === serial)).toEqual([]);
      expect(adapter.status().pendingBankRequests).toBe(0);
    } finally {
      accountService.down = false;
    }
  });

  it('F-4.3 B: a 12003 from the bank is forwarded with cancelledRef; the owner answer returns as a Trf.004.01 echoing CnRef', async () => {
    const carrier = bank.sessions[0];
    const serial = bankSerial();
    const cnRef = { Ref: bankSerial(), IssrType: 'B' as const, RefIssr: BANK_CODE };
    const bankRequest = carrier.request(
      {
        name: 'Trf.003.01',
        instrCd: INSTRUCTION_CODES.REVERSE_BANK_TO_SECURITIES,
        serial,
        body: { CnRef: cnRef, BkAcct: BANK_ACCOUNT, ScAcct: { Id: '880001', Type: '3' }, Ccy: 'CNY', TrfAmt: Money.parse('250') },
      },
      { timeoutMs: 20_000 },
    );
    const { payload: request } = await forwardedFor(serial);
    expect(request).toMatchObject({ function: 'REVERSE_BANK_TO_SECURITIES', cancelledRef: { serialNo: cnRef.Ref, issuerType: 'B', issuerId: BANK_CODE }, amount: '250.00' });
    await answerAs(request, { returnCode: '2005', returnMessage: '被冲正流水不存在' });
    const reply = await bankRequest;
    expect(reply.body).toMatchObject({ Rst: { Code: '2005' }, CnRef: cnRef, ScAcct: { Id: '880001' }, Ccy: 'CNY' });
    expect(reply.body.TrfAmt?.toString()).toBe('250.00');
  });

  /** The bank asks (12005) about one of its own serials on session `sessionIndex`; returns what was forwarded. */
  async function bankQuery(sessionIndex: number) {
    const serial = bankSerial();
    const qryRef = { Ref: bankSerial(), IssrType: 'B' as const, RefIssr: BANK_CODE };
    const bankRequest = bank.sessions[sessionIndex].request({ name: 'Trf.005.01', instrCd: INSTRUCTION_CODES.QUERY_RESULT, serial, body: { QryRef: qryRef } }, { timeoutMs: 20_000 });
    const { payload: request } = await forwardedFor(serial);
    return { qryRef, bankRequest, request };
  }

  it('F-4.6 B: a 12005 from the bank is forwarded with queriedRef; the answer is a Trf.006.01 with QryRef and OrgRst from the owner', async () => {
    const { qryRef, bankRequest, request } = await bankQuery(1);
    expect(request).toMatchObject({ function: 'QUERY_RESULT', queriedRef: { serialNo: qryRef.Ref, issuerType: 'B', issuerId: BANK_CODE }, fundAccountNo: '' });
    await answerAs(request, { originalReturnCode: '2006' });
    const reply = await bankRequest;
    expect(reply.body).toMatchObject({ Rst: { Code: '0000' }, QryRef: [qryRef], OrgRst: { Code: '2006' } });
  });

  it('F-4.6 B of an original we booked: the bank reads our serial of it as a second QryRef, and its accounts and amount as we booked them', async () => {
    const { qryRef, bankRequest, request } = await bankQuery(0);
    const queriedOriginal = { ourSerialNo: '20261121200000000555', fundAccountNo: '880001', bankAccountNo: BANK_ACCOUNT.Id, currency: 'CNY' as const, amount: Money.parse('250.00') };
    await answerAs(request, { originalReturnCode: '0000', queriedOriginal });
    const reply = await bankRequest;
    expect(reply.body).toMatchObject({
      Rst: { Code: '0000' },
      QryRef: [qryRef, { Ref: '20261121200000000555', IssrType: 'S', RefIssr: BROKER_ID }],
      OrgRst: { Code: '0000' },
      BkAcct: BANK_ACCOUNT,
      ScAcct: { Id: '880001', Type: '3' },
      Ccy: 'CNY',
    });
    expect(String(reply.body.TrfAmt)).toBe('250.00');
  });

  it('an unknown fund account is not the adapter\'s to judge: the 12001 is forwarded and the owner\'s 2011 reaches the bank', async () => {
    const carrier = bank.sessions[0];
    const serial = bankSerial();
    const bankRequest = carrier.request(
      { name: 'Trf.001.01', instrCd: INSTRUCTION_CODES.BANK_TO_SECURITIES, serial, body: { BkAcct: BANK_ACCOUNT, ScAcct: { Id: '889999', Type: '3' }, TrfAmt: Money.parse('10') } },
      { timeoutMs: 20_000 },
    );
    const { payload: request } = await forwardedFor(serial);
    expect(request.fundAccountNo).toBe('889999');
    await answerAs(request, { returnCode: '2011', returnMessage: '资金账户不存在' });
    expect((await bankRequest).body.Rst.Code).toBe('2011');
  });

  it('bytes that are not a package close only the session they came on; the adapter signs in again and keeps serving', async () => {
    const before = adapter.status().sessions.detail.map((session) => session.sessionId);
    bank.writeRaw(Buffer.from('GET / HTTP/1.1\r\n\r\n'));
    await waitFor(
      () => {
        const now = adapter.status().sessions;
        return now.up === 2 && now.detail.filter((session) => before.includes(session.sessionId)).length === 1;
      },
      { timeoutMs: 15_000, description: 'one session replaced, both up' },
    );
    const call = withdrawal();
    await sendCall(call);
    expect((await completionOf(call.callId)).envelope.payload).toMatchObject({ outcome: 'REPLIED', returnCode: '0000' });
  });
});
