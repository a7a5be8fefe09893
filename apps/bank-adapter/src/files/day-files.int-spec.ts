import { randomBytes, randomUUID } from 'node:crypto';
import { gzipSync } from 'node:zlib';
import { type FileFields, FileFetcher, FileSender, FileTransferError, InMemoryFileStore, INSTRUCTION_CODES, type LocalFile } from '@custody/bank-protocol';
import { bankCallCompleted, bankCallRequestedFor, bankFilesReceived, bankFileStepCompleted, bankFileStepRequested, type EventEnvelope } from '@custody/contracts';
import { createIdempotentProducer, encodeEnvelope, newEnvelope } from '@custody/messaging';
import { Money } from '@custody/money';
import { newIssuer, SecretSealer, SERVICE_ROLE, TokenSource, TokenVerifier, TopicNamespace } from '@custody/service-kit';
import {
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
import { startBankAdapter, type RunningBankAdapter } from '../bank-adapter.runtime';
import { BANK_ADAPTER_SCHEMA } from '../bank-adapter.schema';
import type { BankCall, CallCompletion } from '../calls/bank-call.types';
import { createAdapterLogger, silentLogger } from '../platform/adapter-logger';
import { MinimalBank, TEST_BANK, testBankConfig } from '../testing/minimal-bank';
import { ReconciliationFilesStub } from '../testing/reconciliation-files.stub';
import type { FileStepRequest } from './file-step.rules';
import { HttpDayFileStore } from './reconciliation-files.client';

/*
 * The day files with a bank (bank-protocol.md §5, §7 steps 4–7) against real PostgreSQL, Kafka and Redis, a bank
 * played by the protocol library's bank side and file engine on a random port, and a real HTTP server standing in
 * for the reconciliation service's internal file API (PUT / GET with Range / HEAD, as docs/design.md fixes it).
 */
jest.setTimeout(90_000);

const BANK_CODE = TEST_BANK.code;
const D = '2026-11-21';
const DAY = '20261121';
const REQUEST_TIMEOUT_MS = 1_500;

const ADAPTER_IDENTITY = newIssuer(`bank-adapter-${BANK_CODE}`, [SERVICE_ROLE]);
const verifier = new TokenVerifier([ADAPTER_IDENTITY.trusted]);
/** The reconciliation service takes the adapter's own service token, nothing else. */
const reconciliation = new ReconciliationFilesStub((authorization) => {
  try {
    return verifier.verify((authorization ?? '').replace(/^Bearer /, '')).role === SERVICE_ROLE;
  } catch {
    return false;
  }
});

let kafka: Kafka;
let producer: Producer;
let recorder: TopicRecorder;
let redis: Redis;
let adapter: RunningBankAdapter;
let db: TestDatabase;
const bank = new MinimalBank();
const namespace = new TopicNamespace(uniqueTopicName('adapter-files'));

beforeAll(async () => {
  await requireInfrastructure({ kafka: true, redis: true });
  kafka = createTestKafka('bank-adapter-files-int');
  producer = createIdempotentProducer(kafka);
  await producer.connect();
  redis = new Redis(redisUrlFromEnv());
  await bank.listen();
  await reconciliation.start();
  db = await createTestDatabase({ name: 'bank_adapter_files', ...BANK_ADAPTER_SCHEMA });
  adapter = await startBankAdapter({
    bank: testBankConfig(bank.port, REQUEST_TIMEOUT_MS),
    brokerInstId: TEST_BANK.brokerInstId,
    exchangeKey: Buffer.from(TEST_BANK.exchangeKeyHex, 'hex'),
    namespace,
    kafka,
    redisUrl: redisUrlFromEnv(),
    databaseUrl: db.databaseUrl,
    secrets: new SecretSealer(randomBytes(32)),
    dayFiles: new HttpDayFileStore(reconciliation.url, BANK_CODE, new TokenSource(ADAPTER_IDENTITY.identity, SERVICE_ROLE).token),
    logger: process.env.ADAPTER_TEST_LOG ? createAdapterLogger('adapter-files-test', process.env.ADAPTER_TEST_LOG) : silentLogger,
    timings: { reconnectInitialDelayMs: 50, reconnectMaxDelayMs: 200, fileStepPollMs: 100 },
    consumerTuning: testConsumerTimings,
  });
  recorder = await TopicRecorder.start(kafka, [bankFileStepCompleted, bankFilesReceived, bankCallCompleted].map((topic) => namespace.name(topic.name)));
  await waitFor(() => adapter.status().sessions.up === 2, { timeoutMs: 15_000, description: 'both sessions signed in' });
});

afterAll(async () => {
  await adapter?.stop();
  await recorder?.stop();
  await producer?.disconnect();
  await bank.close();
  await reconciliation.stop();
  await db?.drop();
  if (redis) {
    const keys = await redis.keys(`${namespace.prefix}.*`);
    if (keys.length > 0) await redis.del(...keys);
    redis.disconnect();
  }
});

/** A day file's bytes: random text gzipped, so it barely compresses and spans several 2,048-byte chunks. */
function gzFile(textBytes: number): Buffer {
  return gzipSync(randomBytes(textBytes));
}

function fields(fileName: string, busCode: FileFields['busCode']): FileFields {
  return { busCode, busDate: DAY, fileName, fileTime: `${DAY}173000` };
}

/** The saga's part: a step asked of the adapter. Returns the request's message id. */
async function requestStep(step: FileStepRequest): Promise<string> {
  const envelope = newEnvelope(bankFileStepRequested, step, { key: step.bankCode, correlationId: step.stepId, businessDate: step.businessDate });
  await producer.send({ topic: namespace.name(bankFileStepRequested.name), acks: -1, messages: [{ key: step.bankCode, value: encodeEnvelope(envelope) }] });
  return envelope.id;
}

function step(mode: FileStepRequest['mode'], fileNames: string[]): FileStepRequest {
  return { stepId: randomUUID(), bankCode: BANK_CODE, businessDate: D, mode, fileNames };
}

type Completed = EventEnvelope<FileStepRequest & { outcome: 'DONE' | 'FAILED'; bankReturnCode?: string; reason?: string }>;
type Received = EventEnvelope<{ bankCode: string; businessDate: string; via: 'PUSH' | 'FETCH'; files: Array<{ fileName: string; fileLen: number; fileMac: string; side: string }> }>;

function completionsOf(stepId: string): Completed[] {
  const topic = namespace.name(bankFileStepCompleted.name);
  return recorder.messages.filter((m) => m.topic === topic && (m.json as Completed).payload.stepId === stepId).map((m) => m.json as Completed);
}

async function completionOf(stepId: string, timeoutMs = 30_000): Promise<Completed> {
  return waitFor(() => completionsOf(stepId)[0], { timeoutMs, description: `step ${stepId} completed` });
}

function receivedVia(via: 'PUSH' | 'FETCH', fileName: string): Received[] {
  const topic = namespace.name(bankFilesReceived.name);
  return recorder.messages
    .filter((m) => m.topic === topic)
    .map((m) => m.json as Received)
    .filter((envelope) => envelope.payload.via === via && envelope.payload.files.some((file) => file.fileName === fileName));
}

describe('file steps: the saga asks, the adapter sends or fetches, once (bank-protocol.md §7 steps 5 and 7)', () => {
  it('§7 step 5: a SEND of S_CHK01–03 reads each from the reconciliation service, sends it by 13008/13009, lists all three in one 13005, and ends DONE once — a repeated request sends nothing', async () => {
    const contents = { 'S_CHK01_20261121.gz': gzFile(9_000), 'S_CHK02_20261121.gz': gzFile(3_000), 'S_CHK03_20261121.gz': gzFile(500) };
    const held = Object.entries(contents).map(([fileName, content]) => reconciliation.hold(BANK_CODE, fileName, content));
    const send = step('SEND', Object.keys(contents));
    const requestId = await requestStep(send);

    const completed = await completionOf(send.stepId);
    expect(completed.payload).toEqual({ stepId: send.stepId, bankCode: BANK_CODE, businessDate: D, mode: 'SEND', outcome: 'DONE', fileNames: send.fileNames });
    expect(completed).toMatchObject({ key: BANK_CODE, correlationId: send.stepId, causationId: requestId });
    for (const [fileName, content] of Object.entries(contents)) expect((await bank.receivedFiles.content(fileName))?.equals(content)).toBe(true);
    // 13008 announced each as the reconciliation service holds it.
    const announced = bank.fileRequests.flatMap((r) => (r.name === 'File.001.01' && r.body.MsgHdr.InstrCd === INSTRUCTION_CODES.SEND_FILE_INFO ? [r.body.FileInfo] : []));
    expect(announced.map((info) => [info?.FileName, info?.FileLen, info?.FileMac, info?.BusCode])).toEqual(held.map((file) => [file.fileName, file.fileLen, file.fileMac, file.busCode]));
    expect(bank.announcementsReceived()).toEqual([send.fileNames]);
    const [row] = await db.dataSource.query(`SELECT outcome, lease_token, jsonb_array_length(files_done) AS done FROM bank_adapter.file_steps WHERE step_id = $1`, [send.stepId]);
    expect(row).toEqual({ outcome: 'DONE', lease_token: null, done: 3 });

    // The saga's request delivered again (a new message, the same stepId): recorded once, run once.
    const before = bank.fileRequests.length;
    await requestStep(send);
    await new Promise((resolve) => setTimeout(resolve, 1_500));
    expect(bank.fileRequests.length).toBe(before);
    expect(completionsOf(send.stepId)).toHaveLength(1);
  });

  it('§7 step 5: a FETCH asks the bank for B_CHK01–03 by 13006/13007, stores each with the reconciliation service, and announces them (bank.files-received via FETCH) with the DONE', async () => {
    const contents = { 'B_CHK01_20261121.gz': gzFile(7_000), 'B_CHK02_20261121.gz': gzFile(100), 'B_CHK03_20261121.gz': gzFile(2_048) };
    const codes = ['0001', '0002', '0003'] as const;
    Object.entries(contents).forEach(([fileName, content], index) => bank.ownFiles.add(fields(fileName, codes[index]), content));
    const fetch = step('FETCH', Object.keys(contents));
    await requestStep(fetch);

    expect((await completionOf(fetch.stepId)).payload).toMatchObject({ mode: 'FETCH', outcome: 'DONE', fileNames: fetch.fileNames });
    for (const [fileName, content] of Object.entries(contents)) expect(reconciliation.content(BANK_CODE, fileName)?.equals(content)).toBe(true);
    const [received] = await waitFor(() => (receivedVia('FETCH', 'B_CHK01_20261121.gz').length > 0 ? receivedVia('FETCH', 'B_CHK01_20261121.gz') : undefined));
    expect(received.payload).toMatchObject({ bankCode: BANK_CODE, businessDate: D, via: 'FETCH' });
    expect(received.payload.files.map((file) => [file.fileName, file.fileLen, file.fileMac, file.side])).toEqual(
      Object.keys(contents).map((fileName) => [fileName, reconciliation.descriptor(BANK_CODE, fileName)?.fileLen, reconciliation.descriptor(BANK_CODE, fileName)?.fileMac, 'B']),
    );
    expect(received.correlationId).toBe(fetch.stepId);
  });

  it('profile §5 step 4: a bank that refuses the 13005 every time (1 + 3 repeats, each after the step\'s files were sent again) ends the step FAILED with its code 5208, naming the file', async () => {
    reconciliation.hold(BANK_CODE, 'S_CHK04_20261121.gz', gzFile(1_000));
    bank.refuseAnnouncements = true;
    try {
      const send = step('SEND', ['S_CHK04_20261121.gz']);
      const announcementsBefore = bank.announcementsReceived().length;
      await requestStep(send);
      const completed = await completionOf(send.stepId);
      expect(completed.payload).toMatchObject({ outcome: 'FAILED', bankReturnCode: '5208', fileNames: ['S_CHK04_20261121.gz'] });
      expect(completed.payload.reason).toContain('13005 refused 5208 (S_CHK04_20261121.gz: not received) 4 times');
      expect(bank.announcementsReceived().length - announcementsBefore).toBe(4);
    } finally {
      bank.refuseAnnouncements = false;
    }
  });

  it('a FETCH of a file the bank does not have (yet) is FAILED with the bank\'s 5208, for the saga to ask again later', async () => {
    const fetch = step('FETCH', ['B_DIF04_20261121.gz']);
    await requestStep(fetch);
    expect((await completionOf(fetch.stepId)).payload).toMatchObject({ outcome: 'FAILED', bankReturnCode: '5208', reason: expect.stringContaining('B_DIF04_20261121.gz') });
  });

  it('a SEND of a file the reconciliation service does not hold is FAILED before anything reaches the bank', async () => {
    const before = bank.fileRequests.length;
    const send = step('SEND', ['S_CHK01_20261120.gz']);
    await requestStep({ ...send, businessDate: '2026-11-20' });
    expect((await completionOf(send.stepId)).payload).toMatchObject({ outcome: 'FAILED', reason: expect.stringContaining('not held by the reconciliation service') });
    expect(bank.fileRequests.length).toBe(before);
  });
});

describe('the bank\'s own files (bank-protocol.md §5 steps 1–4, §7 steps 5–6)', () => {
  const pushed = (fileName: string, busCode: FileFields['busCode'], content: Buffer): LocalFile => bank.ownFiles.add(fields(fileName, busCode), content);

  it('§7 step 5: the bank pushes B_DIF01 and B_DIF02 and its 13005: each is stored with the reconciliation service as it completes, the 13005 is answered 0000 and bank.files-received (PUSH) names both — once, though the bank repeats its 13005 with the same Ref', async () => {
    const files = [pushed('B_DIF01_20261121.gz', '0008', gzFile(6_000)), pushed('B_DIF02_20261121.gz', '0008', gzFile(300))];
    const sender = new FileSender(bank.sessions[0], { side: 'B' });
    for (const file of files) await sender.sendFile(file);
    for (const file of files) expect(reconciliation.content(BANK_CODE, file.fileName)?.equals((await bank.ownFiles.content(file.fileName)) ?? Buffer.alloc(0))).toBe(true);

    const serial = `B${Date.now().toString().slice(-12)}05`;
    const announce = () =>
      bank.sessions[1].request({
        name: 'Stmt.003.01',
        instrCd: INSTRUCTION_CODES.DAY_END_DATA_READY,
        serial,
        body: { FileInfo: files.map((file) => ({ BusCode: file.busCode, BusDate: file.busDate, FileName: file.fileName, FileLen: file.fileLen, FileMac: file.fileMac })) },
      });
    const first = await announce();
    expect(first.body.Rst.Code).toBe('0000');
    const [received] = await waitFor(() => (receivedVia('PUSH', 'B_DIF01_20261121.gz').length > 0 ? receivedVia('PUSH', 'B_DIF01_20261121.gz') : undefined));
    expect(received).toMatchObject({ key: BANK_CODE, payload: { bankCode: BANK_CODE, businessDate: D, via: 'PUSH' } });
    expect(received.payload.files.map((file) => [file.fileName, file.fileLen, file.fileMac])).toEqual(files.map((file) => [file.fileName, file.fileLen, file.fileMac]));

    const again = await announce();
    expect(again.body.Rst.Code).toBe('0000');
    expect(again.body.MsgHdr.Ref.Ref).toBe(first.body.MsgHdr.Ref.Ref);
    await new Promise((resolve) => setTimeout(resolve, 1_500));
    expect(receivedVia('PUSH', 'B_DIF01_20261121.gz')).toHaveLength(1);
  });

  it('profile §5 step 4: a 13005 naming a file the reconciliation service does not hold is answered 3092 naming it, and nothing is announced', async () => {
    const held = pushed('B_CHK01_20261121.gz', '0001', gzFile(800));
    await new FileSender(bank.sessions[0], { side: 'B' }).sendFile(held);
    const missing = bank.ownFiles.add(fields('B_DIF03_20261121.gz', '0008'), gzFile(400));

    const error = await failureOf(new FileSender(bank.sessions[0], { side: 'B', stepRepeats: 0 }).announceReady([held, missing]));

    expect([error.reason, error.returnCode, error.info]).toEqual(['STEP_REFUSED', '3092', 'B_DIF03_20261121.gz: not received']);
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    expect(receivedVia('PUSH', 'B_CHK01_20261121.gz')).toEqual([]);
  });

  it('a store that fails (the reconciliation service answers 500 to the PUT) fails the commit: the bank hears 3093 on its last chunk and sends the file again', async () => {
    reconciliation.failPuts = 1;
    const file = pushed('B_CHK03_20261121.gz', '0003', gzFile(5_000));
    const sent = await new FileSender(bank.sessions[0], { side: 'B' }).sendFile(file);
    expect(sent.sends).toBe(2);
    expect(reconciliation.content(BANK_CODE, file.fileName)?.equals((await bank.ownFiles.content(file.fileName)) ?? Buffer.alloc(0))).toBe(true);
  });

  it('a file named as ours (S_…) is refused at its 13008 with 3093 and never reaches the reconciliation service', async () => {
    const impostor = bank.ownFiles.add(fields('S_CHK03_20261121.gz', '0003'), gzFile(100));
    const error = await failureOf(new FileSender(bank.sessions[0], { side: 'B', fileResends: 0 }).sendFile(impostor));
    expect([error.reason, error.returnCode]).toEqual(['RESENDS_EXHAUSTED', '3093']);
    expect(reconciliation.requests.some((request) => request.method === 'PUT' && request.fileName === 'S_CHK03_20261121.gz')).toBe(false);
  });

  it('§7 step 8 / profile §5 step 3: the bank\'s 13006/13007 for one of our files are served from the reconciliation service (Range reads); a file not ours is 3092', async () => {
    const content = gzFile(5_000);
    reconciliation.hold(BANK_CODE, 'S_CHK02_20261121.gz', content, '20261121180000');
    const store = new InMemoryFileStore();
    const requestsBefore = reconciliation.requests.length;
    const fetched = await new FileFetcher(bank.sessions[1], { side: 'B', sink: store }).fetch({ fileName: 'S_CHK02_20261121.gz', busDate: DAY });
    expect(fetched.file).toMatchObject({ busCode: '0002', fileLen: content.length, fileTime: '20261121180000' });
    expect((await store.content('S_CHK02_20261121.gz'))?.equals(content)).toBe(true);
    const reads = reconciliation.requests.slice(requestsBefore).filter((request) => request.method === 'GET' && request.fileName === 'S_CHK02_20261121.gz');
    expect(reads.map((request) => request.range)).toEqual([
      undefined,
      'bytes=2048-',
      'bytes=4096-',
    ]);

    const refused = await failureOf(new FileFetcher(bank.sessions[1], { side: 'B', sink: store }).fetch({ fileName: 'B_CHK01_20261121.gz' }));
    expect([refused.reason, refused.returnCode]).toEqual(['NOT_AVAILABLE', '3092']);
  });
});

describe('13010 on the wire (bank-protocol.md §7 step 4)', () => {
  it('a SUMMARY_CHECK call goes out as Stmt.001.01 with our figures and comes back with the bank\'s verdict and figures as summaryCheck', async () => {
    bank.summary = { DpstNum: 2, DpstAmt: Money.parse('700.00'), WtdrNum: 1, WtdrAmt: Money.parse('300.00') };
    const call: BankCall = {
      callId: randomUUID(),
      bankCode: BANK_CODE,
      function: 'SUMMARY_CHECK',
      serialNo: `${Date.now().toString().slice(-10)}1000000001`,
      businessDate: D,
      resend: false,
      sendWithinMs: 60_000,
      summary: { depositCount: 2, depositAmount: Money.parse('700.00'), withdrawalCount: 1, withdrawalAmount: Money.parse('250.00') },
    };
    const envelope = newEnvelope(bankCallRequestedFor(BANK_CODE), call, { key: BANK_CODE });
    await producer.send({ topic: namespace.name(bankCallRequestedFor(BANK_CODE).name), acks: -1, messages: [{ key: BANK_CODE, value: encodeEnvelope(envelope) }] });
    const topic = namespace.name(bankCallCompleted.name);
    const [message] = await recorder.waitForCount(1, { timeoutMs: 15_000, filter: (m) => m.topic === topic && (m.json as EventEnvelope<CallCompletion>).payload.callId === call.callId });
    expect(message.key).toBe(BANK_CODE);
    expect((message.json as EventEnvelope<CallCompletion>).payload).toMatchObject({
      outcome: 'REPLIED',
      returnCode: '0000',
      summaryCheck: { checkReturnCode: '5208', bank: { depositCount: 2, depositAmount: '700.00', withdrawalCount: 1, withdrawalAmount: '300.00' } },
    });
    const [seen] = bank.summaryChecks.filter((m) => m.body.MsgHdr.Ref.Ref === call.serialNo);
    expect(seen.body.RecNum).toBe(1);
    expect(seen.body.TrfSumStamt?.[0].WtdrAmt.toString()).toBe('250.00');
  });
});

async function failureOf(promise: Promise<unknown>): Promise<FileTransferError> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof FileTransferError) return error;
    throw error;
  }
  throw new Error('expected the transfer to fail');
}
