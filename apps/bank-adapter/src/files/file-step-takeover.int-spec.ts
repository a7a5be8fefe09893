import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes, randomUUID } from 'node:crypto';
import { resolve } from 'node:path';
import { gzipSync } from 'node:zlib';
import { INSTRUCTION_CODES } from '@custody/bank-protocol';
import { bankFileStepCompleted, bankFileStepRequested, type EventEnvelope } from '@custody/contracts';
import { createIdempotentProducer, encodeEnvelope, ensureTopics, newEnvelope } from '@custody/messaging';
import { createTestDatabase, createTestKafka, requireInfrastructure, type TestDatabase, TopicRecorder, uniqueTopicName, waitFor } from '@custody/testing';
import type { Kafka, Producer } from 'kafkajs';
import { startBankAdapter, type RunningBankAdapter } from '../bank-adapter.runtime';
import { BANK_ADAPTER_SCHEMA } from '../bank-adapter.schema';
import { silentLogger } from '../platform/adapter-logger';
import type { ReplicaEvent } from '../testing/adapter-replica.fixture';
import { type ReplicaSettings, replicaOptions } from '../testing/adapter-replica';
import { MinimalBank, TEST_BANK } from '../testing/minimal-bank';
import { ReconciliationFilesStub } from '../testing/reconciliation-files.stub';
import type { FileStepRequest } from './file-step.rules';

/*
 * A replica that dies mid-step (SIGKILL: no stop, no lease given back) is taken over by another once its lease
 * runs out, and the step restarts the file it was on and ends once. The dying replica is a process of its own;
 * the survivor runs here. Real PostgreSQL and Kafka, the library's bank side, a stand-in reconciliation service.
 */
jest.setTimeout(120_000);

const BANK_CODE = TEST_BANK.code;
const TOKEN = 'replica-test-token';
const LEASE_MS = 3_000;

let kafka: Kafka;
let producer: Producer;
let recorder: TopicRecorder;
let db: TestDatabase;
let survivor: RunningBankAdapter | undefined;
let doomed: ChildProcess | undefined;
const bank = new MinimalBank();
const reconciliation = new ReconciliationFilesStub((authorization) => authorization === `Bearer ${TOKEN}`);
const namespace = uniqueTopicName('adapter-takeover');

beforeAll(async () => {
  await requireInfrastructure({ kafka: true, redis: true });
  kafka = createTestKafka('bank-adapter-takeover-int');
  producer = createIdempotentProducer(kafka);
  await producer.connect();
  await bank.listen();
  await reconciliation.start();
  db = await createTestDatabase({ name: 'bank_adapter_takeover', ...BANK_ADAPTER_SCHEMA });
  // The replicas create their topics as they start; the recorder listens before the first one does.
  await ensureTopics(kafka, [`${namespace}.${bankFileStepCompleted.name}`, `${namespace}.${bankFileStepRequested.name}`], { partitions: 8 });
  recorder = await TopicRecorder.start(kafka, [`${namespace}.${bankFileStepCompleted.name}`]);
});

afterAll(async () => {
  doomed?.kill('SIGKILL');
  bank.releaseFileRequests();
  await survivor?.stop();
  await recorder?.stop();
  await producer?.disconnect();
  await bank.close();
  await reconciliation.stop();
  await db?.drop();
});

function settings(name: string): ReplicaSettings {
  return {
    name,
    bankPort: bank.port,
    // Long enough that the chunk the bank sits on is still waiting for its answer when the replica is killed.
    requestTimeoutMs: 30_000,
    namespace,
    databaseUrl: db.databaseUrl,
    reconciliationUrl: reconciliation.url,
    serviceToken: TOKEN,
    fileStepLeaseMs: LEASE_MS,
  };
}

function startReplicaProcess(replica: ReplicaSettings, events: ReplicaEvent[]): ChildProcess {
  const root = resolve(__dirname, '../../../..');
  const child = spawn(process.execPath, [resolve(root, 'tools/run-ts.js'), resolve(__dirname, '../testing/adapter-replica.fixture.ts')], {
    cwd: root,
    env: { ...process.env, ADAPTER_REPLICA: JSON.stringify(replica) },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  let buffered = '';
  child.stdout?.setEncoding('utf8');
  child.stdout?.on('data', (chunk: string) => {
    buffered += chunk;
    const lines = buffered.split('\n');
    buffered = lines.pop() ?? '';
    for (const line of lines) if (line.trim()) events.push(JSON.parse(line) as ReplicaEvent);
  });
  return child;
}

/** 13008s the bank was sent for a file: each (re)start of it. */
function startsOf(fileName: string): number {
  return bank.fileRequests.filter((r) => r.name === 'File.001.01' && r.body.MsgHdr.InstrCd === INSTRUCTION_CODES.SEND_FILE_INFO && r.body.FileInfo?.FileName === fileName).length;
}

describe('a file step whose replica dies mid-step', () => {
  it('is taken over after the lease by another replica, which skips the file already sent, restarts the one it was on from its 13008, and ends the step once', async () => {
    const contents = {
      'S_CHK01_20261121.gz': gzipSync(randomBytes(3_000)),
      'S_CHK02_20261121.gz': gzipSync(randomBytes(9_000)),
      'S_CHK03_20261121.gz': gzipSync(randomBytes(500)),
    };
    for (const [fileName, content] of Object.entries(contents)) reconciliation.hold(BANK_CODE, fileName, content);
    // The bank sits on the second chunk of S_CHK02: the step is caught mid-file there.
    bank.holdFileRequest = (request) => request.FileInfo?.FileName === 'S_CHK02_20261121.gz' && request.StPos === 2_048;

    const events: ReplicaEvent[] = [];
    doomed = startReplicaProcess(settings('replica-doomed'), events);
    await waitFor(() => events.some((e) => e.event === 'started'), { timeoutMs: 60_000, description: 'the first replica started' });

    const step: FileStepRequest = { stepId: randomUUID(), bankCode: BANK_CODE, businessDate: '2026-11-21', mode: 'SEND', fileNames: Object.keys(contents) };
    const envelope = newEnvelope(bankFileStepRequested, step, { key: BANK_CODE, correlationId: step.stepId });
    await producer.send({ topic: `${namespace}.${bankFileStepRequested.name}`, acks: -1, messages: [{ key: BANK_CODE, value: encodeEnvelope(envelope) }] });
    await waitFor(() => bank.heldFileRequestCount === 1, { timeoutMs: 30_000, description: 'the step caught mid-file at the bank' });
    expect(events.some((e) => e.msg === 'file step taken' && e.fields?.stepId === step.stepId)).toBe(true);

    survivor = await startBankAdapter(replicaOptions(settings('replica-survivor'), silentLogger));
    // The first still holds the step (it renews its lease): the survivor leaves it alone meanwhile.
    await new Promise((done) => setTimeout(done, LEASE_MS));
    const [held] = await db.dataSource.query(`SELECT outcome, attempts, current_file, jsonb_array_length(files_done) AS done FROM bank_adapter.file_steps WHERE step_id = $1`, [step.stepId]);
    expect(held).toEqual({ outcome: null, attempts: 1, current_file: 'S_CHK02_20261121.gz', done: 1 });

    const doomedProcess = doomed;
    const exited = new Promise((done) => doomedProcess.once('exit', done));
    doomedProcess.kill('SIGKILL');
    await exited;
    bank.holdFileRequest = undefined;
    bank.releaseFileRequests();

    const topic = `${namespace}.${bankFileStepCompleted.name}`;
    const completed = () => recorder.messages.filter((m) => m.topic === topic && (m.json as EventEnvelope<{ stepId: string }>).payload.stepId === step.stepId);
    await waitFor(() => completed().length > 0, { timeoutMs: 60_000, description: 'the step completed by the survivor' });
    expect((completed()[0].json as EventEnvelope<unknown>).payload).toMatchObject({ stepId: step.stepId, outcome: 'DONE' });
    for (const [fileName, content] of Object.entries(contents)) expect((await bank.receivedFiles.content(fileName))?.equals(content)).toBe(true);
    expect([startsOf('S_CHK01_20261121.gz'), startsOf('S_CHK02_20261121.gz'), startsOf('S_CHK03_20261121.gz')]).toEqual([1, 2, 1]);
    expect(bank.announcementsReceived()).toEqual([step.fileNames]);
    const [ended] = await db.dataSource.query(`SELECT outcome, attempts FROM bank_adapter.file_steps WHERE step_id = $1`, [step.stepId]);
    expect(ended).toEqual({ outcome: 'DONE', attempts: 2 });
    await new Promise((done) => setTimeout(done, 1_000));
    expect(completed()).toHaveLength(1);
  });
});
