import { randomBytes, randomUUID } from 'node:crypto';
import { createServer, type AddressInfo } from 'node:net';
import { bankCallCompleted, bankCallRequestedFor, type EventEnvelope } from '@custody/contracts';
import { createIdempotentProducer, encodeEnvelope, ensureTopics, newEnvelope } from '@custody/messaging';
import { SecretSealer, TopicNamespace } from '@custody/service-kit';
import {
  createTestDatabase,
  committedOffset,
  createTestKafka,
  KafkaLink,
  redisUrlFromEnv,
  requireInfrastructure,
  testConsumerTimings,
  type TestDatabase,
  TopicRecorder,
  uniqueTopicName,
  waitFor,
} from '@custody/testing';
import type { Producer } from 'kafkajs';
import { type BankAdapterOptions, startBankAdapter, type RunningBankAdapter } from './bank-adapter.runtime';
import { BANK_ADAPTER_SCHEMA } from './bank-adapter.schema';
import type { BankCall, CallCompletion } from './calls/bank-call.types';
import { silentLogger } from './platform/adapter-logger';
import { MinimalBank, TEST_BANK, testBankConfig } from './testing/minimal-bank';
import { Money } from '@custody/money';

/*
 * An adapter's life around its calls, on real Kafka, Redis and PostgreSQL (issue 7 items 0 and 1): how it
 * starts with calls already waiting, and two replicas of one bank's adapter handing a call over.
 */
jest.setTimeout(120_000);

const REQUEST_TIMEOUT_MS = 30_000;
/** Every call to one bank shares its key, hence one partition; named here so the test can read its committed offset. */
const CALL_PARTITION = 0;

let db: TestDatabase;
let producer: Producer;
let recorder: TopicRecorder;
const bank = new MinimalBank();
const producerKafka = createTestKafka('adapter-lifecycle-test');
const running: RunningBankAdapter[] = [];
/** Each test's adapters form a group of their own, so one test's calls never reach another's adapters. */
let namespace = new TopicNamespace(uniqueTopicName('adapter-lifecycle'));

/** A port nobody listens on: the second replica's bank is unreachable, so it has no session. */
async function closedPort(): Promise<number> {
  const probe = createServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', () => resolve()));
  const { port } = probe.address() as AddressInfo;
  await new Promise<void>((resolve) => probe.close(() => resolve()));
  return port;
}

async function startReplica(clientId: string, bankPort: number, link?: KafkaLink, timings: BankAdapterOptions['timings'] = {}): Promise<RunningBankAdapter> {
  const options: BankAdapterOptions = {
    bank: testBankConfig(bankPort, REQUEST_TIMEOUT_MS),
    brokerInstId: TEST_BANK.brokerInstId,
    exchangeKey: Buffer.from(TEST_BANK.exchangeKeyHex, 'hex'),
    namespace,
    kafka: createTestKafka(clientId, link ? { link } : {}),
    redisUrl: redisUrlFromEnv(),
    databaseUrl: db.databaseUrl,
    secrets: new SecretSealer(randomBytes(32)),
    logger: silentLogger,
    timings: { reconnectInitialDelayMs: 200, reconnectMaxDelayMs: 500, connectTimeoutMs: 1_000, ...timings },
    consumerTuning: testConsumerTimings,
  };
  const adapter = await startBankAdapter(options);
  running.push(adapter);
  return adapter;
}

let serial = 0;
function withdrawal(): BankCall {
  return {
    callId: randomUUID(),
    bankCode: TEST_BANK.code,
    function: 'SECURITIES_TO_BANK',
    serialNo: `${Date.now().toString().slice(-10)}3${String((serial += 1)).padStart(9, '0')}`,
    businessDate: '2026-11-21',
    resend: false,
    // Generous on purpose: the redelivery arrives well within it, as after a quick rebalance.
    sendWithinMs: 60_000,
    fundAccountNo: '880001',
    currency: 'CNY',
    amount: Money.parse('300.00'),
    bankAccountNo: '6222021234567890123',
  };
}

async function sendCall(call: BankCall): Promise<void> {
  await producer.send({
    topic: namespace.name(bankCallRequestedFor(call.bankCode).name),
    acks: -1,
    messages: [{ key: call.bankCode, partition: CALL_PARTITION, value: encodeEnvelope(newEnvelope(bankCallRequestedFor(call.bankCode), call, { key: call.bankCode })) }],
  });
}

function completionsOf(callId: string): CallCompletion[] {
  const topic = namespace.name(bankCallCompleted.name);
  return recorder.messages.filter((m) => m.topic === topic && (m.json as EventEnvelope<CallCompletion>).payload.callId === callId).map((m) => (m.json as EventEnvelope<CallCompletion>).payload);
}

beforeAll(async () => {
  await requireInfrastructure({ kafka: true, redis: true, postgres: true });
  db = await createTestDatabase({ name: 'adapter_lifecycle', ...BANK_ADAPTER_SCHEMA });
  producer = createIdempotentProducer(producerKafka);
  await producer.connect();
  await bank.listen();
});

/** A namespace of the test's own, its topics, and a recorder of what the adapters answer in it. */
beforeEach(async () => {
  namespace = new TopicNamespace(uniqueTopicName('adapter-lifecycle'));
  await ensureTopics(producerKafka, [namespace.name(bankCallRequestedFor(TEST_BANK.code).name), namespace.name(bankCallCompleted.name)], { partitions: 8 });
  recorder = await TopicRecorder.start(producerKafka, [namespace.name(bankCallCompleted.name)]);
});

afterEach(async () => {
  for (const adapter of running.splice(0)) await adapter.stop();
  await recorder.stop();
});

afterAll(async () => {
  await producer?.disconnect();
  await bank.close();
  await db?.drop();
});

/**
 * A call answered and committed: the group then has a committed offset, as in any running system (a group
 * without one starts at the latest offset and would skip calls published before it joined).
 */
async function warmUp(): Promise<void> {
  const call = withdrawal();
  await sendCall(call);
  await waitFor(() => completionsOf(call.callId)[0], { timeoutMs: 15_000, description: 'the warm-up call answered' });
  await waitFor(async () => (await committedOffset(producerKafka, namespace.group(`bank-adapter-${TEST_BANK.code}`), namespace.name(bankCallRequestedFor(TEST_BANK.code).name), CALL_PARTITION)) !== undefined, {
    timeoutMs: 15_000,
    description: 'the warm-up call committed',
  });
}

async function completionsFor(calls: BankCall[]): Promise<CallCompletion[]> {
  return waitFor(() => {
    const found = calls.map((call) => completionsOf(call.callId)[0]);
    return found.every((c) => c !== undefined) ? found : undefined;
  }, { timeoutMs: 30_000, description: `completions of ${calls.length} calls` });
}

it('item 0: an adapter that starts with calls waiting takes none before its sessions have signed in: every one is REPLIED, none NOT_SENT', async () => {
  const before = await startReplica('adapter-lifecycle-a', bank.port);
  await warmUp();
  await before.stop();
  running.splice(running.indexOf(before), 1);

  const waiting = Array.from({ length: 6 }, () => withdrawal());
  for (const call of waiting) await sendCall(call);
  await startReplica('adapter-lifecycle-b', bank.port);
  expect((await completionsFor(waiting)).map((c) => c.outcome)).toEqual(waiting.map(() => 'REPLIED'));
});

it('item 0: an adapter that cannot reach its bank at start still starts, fails the waiting calls fast as NOT_SENT, opens its breaker and keeps running', async () => {
  const before = await startReplica('adapter-lifecycle-a', bank.port);
  await warmUp();
  await before.stop();
  running.splice(running.indexOf(before), 1);

  const waiting = Array.from({ length: 6 }, () => withdrawal());
  for (const call of waiting) await sendCall(call);
  const adapter = await startReplica('adapter-lifecycle-b', await closedPort(), undefined, { breakerVolumeThreshold: 5 });
  const completions = await completionsFor(waiting);
  expect(completions.map((c) => c.outcome)).toEqual(waiting.map(() => 'NOT_SENT'));
  expect(completions[0].reason).toContain('no signed-in session');
  await waitFor(() => adapter.status().breaker === 'OPEN', { description: 'the breaker open' });
  // Alive: it still answers, now at once from the open breaker.
  const next = withdrawal();
  await sendCall(next);
  expect((await completionsFor([next]))[0]).toMatchObject({ outcome: 'NOT_SENT', reason: expect.stringContaining('circuit breaker open') });
});

it('item 1: a call the first replica wrote, redelivered to a replica with no session, is NO_REPLY (never NOT_SENT) and is not written twice', async () => {
  const link = new KafkaLink();
  const first = await startReplica('adapter-replica-a', bank.port, link);
  await waitFor(() => first.status().sessions.up === 2, { timeoutMs: 15_000, description: 'the first replica signed in' });

  await warmUp();

  const call = withdrawal();
  bank.holdSerials.add(call.serialNo);
  await sendCall(call);
  await waitFor(() => bank.heldCount === 1, { timeoutMs: 15_000, description: 'the first replica wrote the call; the bank holds its answer' });

  // The second replica cannot reach the bank; it joins the group and, once the first is cut off from Kafka
  // (its session expires while it runs), takes the partition and the uncommitted call.
  const second = await startReplica('adapter-replica-b', await closedPort());
  expect(second.status().sessions.up).toBe(0);
  link.cut();

  const [redelivered] = await waitFor(() => (completionsOf(call.callId).length > 0 ? completionsOf(call.callId) : undefined), {
    timeoutMs: 60_000,
    description: 'the second replica answered the redelivered call',
  });
  expect(redelivered).toMatchObject({ outcome: 'NO_REPLY', reason: expect.stringContaining(`instance ${first.instanceId}`) });
  const [claim] = await db.dataSource.query(`SELECT state, instance_id FROM bank_adapter.call_claims WHERE call_id = $1`, [call.callId]);
  expect(claim).toEqual({ state: 'SENDING', instance_id: first.instanceId });

  // The bank answers the one copy it has; the first replica, back on Kafka, reports the bank's real outcome.
  link.mend();
  bank.release(call.serialNo);
  await waitFor(() => completionsOf(call.callId).find((c) => c.outcome === 'REPLIED'), { timeoutMs: 60_000, description: "the first replica's REPLIED" });
  expect(completionsOf(call.callId).find((c) => c.outcome === 'REPLIED')).toMatchObject({ returnCode: '0000' });
  expect(bank.received.filter((m) => m.body.MsgHdr.Ref.Ref === call.serialNo)).toHaveLength(1);
  expect(completionsOf(call.callId).some((c) => c.outcome === 'NOT_SENT')).toBe(false);
});
