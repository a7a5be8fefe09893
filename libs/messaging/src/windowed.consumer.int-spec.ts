import { spawn, type ChildProcess } from 'node:child_process';
import { resolve } from 'node:path';
import {
  committedOffset,
  createTestKafka,
  RecordingLogger,
  testConsumerTimings,
  TopicRecorder,
  uniqueGroupId,
  uniqueTopicName,
  waitFor,
} from '@custody/testing';
import type { Kafka } from 'kafkajs';
import { AtLeastOnceConsumer } from './at-least-once.consumer';
import { readDeadLetterRecord } from './dead-letter';
import { encodeEnvelope } from './envelope.codec';
import { newEnvelope } from './envelope.factory';
import type { EnvelopeHandler } from './message-publisher';
import type { CreditPayload, CreditTopic } from './testing/credit.fixture';
import { messagingTestbed } from './testing/messaging-testbed';
import type { WindowedCrashFixtureEvent, WindowedCrashFixtureSettings } from './testing/windowed-crash.fixture';
import { ensureTopics } from './topic.provisioning';
import type { WindowedConsumption } from './windowed.dispatcher';

/*
 * The windowed at-least-once consumer against the real Kafka broker. Handlers are held open by the
 * test and let go one by one, so overlap and out-of-order completion are facts the test arranges,
 * not timings it hopes for.
 */
jest.setTimeout(60_000);

const bed = messagingTestbed({ schema: false, clientId: 'windowed-consumer-test' });
const fastRetry = { maxAttempts: 2, initialBackoffMs: 50, maxBackoffMs: 100, stalledRetryIntervalMs: 200 };

/** Credits `ids` in this order into one partition (offset i carries ids[i] on a fresh topic). */
async function produce(topic: CreditTopic, ids: Array<string | Buffer>, partition = 0): Promise<void> {
  await bed.producer.send({
    topic: topic.name,
    acks: -1,
    messages: ids.map((id) => ({
      partition,
      key: '880001',
      value: typeof id === 'string' ? encodeEnvelope(newEnvelope(topic, { creditId: id, fundAccountNo: '880001', amount: '1.00' }, { key: '880001' })) : id,
    })),
  });
}

/**
 * Handlers that run until the test lets each one go. Records the order they started in, which are
 * running right now and the most that ever ran at once.
 */
class HeldHandlers {
  readonly started: string[] = [];
  readonly finished: string[] = [];
  readonly running = new Set<string>();
  maxRunning = 0;
  private readonly gates = new Map<string, { promise: Promise<void>; release: () => void }>();

  readonly handle: EnvelopeHandler<CreditPayload> = async (envelope) => {
    const id = envelope.payload.creditId;
    this.started.push(id);
    this.running.add(id);
    this.maxRunning = Math.max(this.maxRunning, this.running.size);
    try {
      await this.gate(id).promise;
    } finally {
      this.running.delete(id);
    }
    this.finished.push(id);
  };

  release(...ids: string[]): void {
    for (const id of ids) this.gate(id).release();
  }

  releaseAll(): void {
    for (const gate of this.gates.values()) gate.release();
  }

  private gate(id: string): { promise: Promise<void>; release: () => void } {
    let gate = this.gates.get(id);
    if (!gate) {
      let release: () => void = () => undefined;
      const promise = new Promise<void>((resolve) => (release = resolve));
      gate = { promise, release };
      this.gates.set(id, gate);
    }
    return gate;
  }
}

function windowedConsumer(
  groupId: string,
  windowed: WindowedConsumption,
  extra: { deadLetterTopic?: string; logger?: RecordingLogger; kafka?: Kafka; stuckAfterMs?: number } = {},
): AtLeastOnceConsumer {
  const consumer = new AtLeastOnceConsumer({ kafka: bed.kafka, groupId, logger: new RecordingLogger(), retry: fastRetry, windowed, ...testConsumerTimings, ...extra });
  bed.stopAfterTest(consumer);
  return consumer;
}

/**
 * Polls the group's committed offset for as long as the test runs and checks every value it sees
 * against what had finished by then: the committed offset may never pass an unfinished message.
 * `ids` are the credits at offsets 0, 1, 2 … of the partition.
 */
function watchCommits(groupId: string, topic: CreditTopic, ids: string[], finished: () => readonly string[]): { seen: string[]; violations: string[] } {
  const watch = { seen: [] as string[], violations: [] as string[] };
  let watching = true;
  const loop = (async () => {
    while (watching) {
      const committed = await committedOffset(bed.kafka, groupId, topic.name).catch(() => undefined);
      // Read after the commit: whatever had finished when it was made has finished now too.
      const done = new Set(finished());
      let allowed = 0;
      while (allowed < ids.length && done.has(ids[allowed] ?? '')) allowed += 1;
      if (committed !== undefined) {
        if (watch.seen[watch.seen.length - 1] !== committed) watch.seen.push(committed);
        if (Number(committed) > allowed) watch.violations.push(`committed ${committed} while only offsets below ${allowed} had all finished`);
      }
      await new Promise((resolve) => setTimeout(resolve, 40));
    }
  })();
  bed.afterTest(async () => {
    watching = false;
    await loop;
  });
  return watch;
}

describe('windowed at-least-once consumer (real Kafka)', () => {
  it.each([
    ['answers late', { delayMs: 1_500 }],
    ['answers "not the leader" first, then late', { notLeaderFirst: 1, delayMs: 1_500 }],
  ])('a new group reading from the latest offset misses nothing sent once start() returned, when the broker asked where "latest" is %s', async (_, listOffsetsFault) => {
    // The bank adapter's shape. Its group learns the latest offset on its first fetch, after joining;
    // a slow or failed ListOffsets (as while a new topic elects its leader) must not leave a gap start() hides.
    const faultyOffsets = createTestKafka('windowed-latest-test', { listOffsetsFault });
    const topic = await bed.freshTopic('windowed-latest');
    const held = new HeldHandlers();
    bed.afterTest(() => held.releaseAll());
    const consumer = new AtLeastOnceConsumer({ kafka: faultyOffsets, groupId: uniqueGroupId('windowed-latest'), logger: new RecordingLogger(), retry: fastRetry, windowed: { maxInFlight: 2 }, fromBeginning: false, ...testConsumerTimings });
    bed.stopAfterTest(consumer);
    await consumer.subscribe(topic, held.handle).start({ waitForJoinMs: 30_000 });

    await produce(topic, ['sent-after-start']);
    await waitFor(() => held.started.length === 1, { timeoutMs: 10_000, description: 'the message sent after start() to be handled' });
    expect(held.started).toEqual(['sent-after-start']);
  });

  it('a member the group assigns nothing still starts: start() does not wait for a fetch it will never make', async () => {
    const topic = await bed.freshTopic('assigned-nothing');
    const groupId = uniqueGroupId('assigned-nothing');
    const holderHandlers = new HeldHandlers();
    const newcomerHandlers = new HeldHandlers();
    bed.afterTest(() => holderHandlers.releaseAll(), () => newcomerHandlers.releaseAll());
    // kafkajs's round-robin assigner gives the one partition to the member whose id sorts first, and a
    // member id begins with its client id: the holder keeps it, the newcomer is assigned nothing.
    const holder = windowedConsumer(groupId, { maxInFlight: 1 }, { kafka: createTestKafka('a-holder') }).subscribe(topic, holderHandlers.handle);
    await holder.start({ waitForJoinMs: 20_000 });
    const newcomer = windowedConsumer(groupId, { maxInFlight: 1 }, { kafka: createTestKafka('z-newcomer') }).subscribe(topic, newcomerHandlers.handle);

    await newcomer.start({ waitForJoinMs: 20_000 });
    await produce(topic, ['after-the-newcomer-joined']);
    await waitFor(() => holderHandlers.started.length === 1, { description: 'the holder, which kept the partition, to handle the message' });
    expect(newcomerHandlers.started).toEqual([]);
  });

  it('runs up to maxInFlight handlers of one partition at once, started in offset order, and no more', async () => {
    const topic = await bed.freshTopic('windowed-overlap');
    const ids = ['m0', 'm1', 'm2', 'm3', 'm4', 'm5'];
    await produce(topic, ids);
    const groupId = uniqueGroupId('windowed-overlap');
    const held = new HeldHandlers();
    bed.afterTest(() => held.releaseAll());
    const consumer = windowedConsumer(groupId, { maxInFlight: 4 }).subscribe(topic, held.handle);
    await consumer.start();

    // Four handlers running at the same moment, none finished: they overlap.
    await waitFor(() => held.running.size === 4, { description: 'four handlers running at once' });
    expect(held.started).toEqual(['m0', 'm1', 'm2', 'm3']);
    expect(consumer.health().windows).toEqual([{ topic: topic.name, partition: 0, inFlight: 4, uncommitted: 4, commitPoint: undefined }]);

    // The window is full: the fifth starts only when one of the four finishes.
    held.release('m2');
    await waitFor(() => held.started.length === 5, { description: 'm4 to start once m2 finished' });
    expect(held.started[4]).toBe('m4');
    held.release('m0', 'm1', 'm3', 'm4');
    await waitFor(() => held.started.length === 6, { description: 'm5 to start' });
    held.release('m5');

    await waitFor(async () => (await committedOffset(bed.kafka, groupId, topic.name)) === '6', { description: 'all six committed' });
    expect(held.started).toEqual(ids);
    expect(held.maxRunning).toBe(4);
  });

  it('the committed offset never passes an unfinished message, whatever order they finish in', async () => {
    const topic = await bed.freshTopic('windowed-commit-point');
    const ids = ['c0', 'c1', 'c2', 'c3', 'c4'];
    await produce(topic, ids);
    const groupId = uniqueGroupId('windowed-commit-point');
    const held = new HeldHandlers();
    bed.afterTest(() => held.releaseAll());
    const consumer = windowedConsumer(groupId, { maxInFlight: 5 }).subscribe(topic, held.handle);
    const watch = watchCommits(groupId, topic, ids, () => held.finished);
    await consumer.start();
    await waitFor(() => held.running.size === 5, { description: 'all five running' });

    // Later ones finish first: nothing may be committed while c0 runs.
    held.release('c3', 'c1', 'c4');
    await waitFor(() => held.finished.length === 3 && consumer.health().windows?.[0]?.inFlight === 2, { description: 'three finished' });
    expect(consumer.health().windows?.[0]).toMatchObject({ inFlight: 2, uncommitted: 5, commitPoint: undefined });
    expect(await committedOffset(bed.kafka, groupId, topic.name)).toBeUndefined();

    // c0 finishes: everything before c2 is done, so the commit goes to 2, not past c2.
    held.release('c0');
    await waitFor(async () => (await committedOffset(bed.kafka, groupId, topic.name)) === '2', { description: 'commit up to c2' });
    expect(consumer.health().windows?.[0]).toMatchObject({ inFlight: 1, uncommitted: 3, commitPoint: '2' });
    // The watcher polls on its own: let it see this commit before the next one can replace it.
    await waitFor(() => watch.seen.includes('2'), { description: 'the watcher to see the commit up to c2' });

    held.release('c2');
    await waitFor(async () => (await committedOffset(bed.kafka, groupId, topic.name)) === '5', { description: 'everything committed' });
    await waitFor(() => watch.seen.includes('5'), { description: 'the watcher to see everything committed' });
    expect(watch.violations).toEqual([]);
    expect(watch.seen).toEqual(['2', '5']);
  });

  it('stopped with unfinished messages: the next consumer of the group gets exactly those, and the finished ones after the commit point', async () => {
    const topic = await bed.freshTopic('windowed-stop');
    const ids = ['s0', 's1', 's2', 's3', 's4', 's5'];
    await produce(topic, ids);
    const groupId = uniqueGroupId('windowed-stop');
    const first = new HeldHandlers();
    bed.afterTest(() => first.releaseAll());
    const stopping = windowedConsumer(groupId, { maxInFlight: 6, drainTimeoutMs: 300 }).subscribe(topic, first.handle);
    await stopping.start();
    await waitFor(() => first.running.size === 6, { description: 'all six running' });
    first.release('s0', 's1', 's3', 's5');
    await waitFor(async () => (await committedOffset(bed.kafka, groupId, topic.name)) === '2', { description: 'commit up to s2' });

    // s2 and s4 are still running when the drain bound runs out.
    await stopping.stop();
    expect([...first.running].sort()).toEqual(['s2', 's4']);
    expect(await committedOffset(bed.kafka, groupId, topic.name)).toBe('2');

    const second = new HeldHandlers();
    bed.afterTest(() => second.releaseAll());
    second.release(...ids);
    await windowedConsumer(groupId, { maxInFlight: 6 }).subscribe(topic, second.handle).start();
    await waitFor(async () => (await committedOffset(bed.kafka, groupId, topic.name)) === '6', { description: 'the rest committed by the next consumer' });
    expect(second.started).toEqual(['s2', 's3', 's4', 's5']);

    // The first consumer's handlers end late: it commits nothing any more.
    first.releaseAll();
    await waitFor(() => first.finished.length === 6, { description: 'late handlers to end' });
    expect(await committedOffset(bed.kafka, groupId, topic.name)).toBe('6');
    expect(second.started).toEqual(['s2', 's3', 's4', 's5']);
  });

  it('a consumer process killed with unfinished messages: the next consumer gets exactly those, and the finished ones after the commit point', async () => {
    const topic = await bed.freshTopic('windowed-crash');
    const ids = ['k0', 'k1', 'k2', 'k3', 'k4', 'k5'];
    await produce(topic, ids);
    const groupId = uniqueGroupId('windowed-crash');

    const settings: WindowedCrashFixtureSettings = { topic: topic.name, groupId, maxInFlight: 6, hang: ['k2', 'k4'] };
    const events: WindowedCrashFixtureEvent[] = [];
    const child = startCrashFixture(settings, events);
    bed.afterTest(() => void child.kill('SIGKILL'));
    await waitFor(() => events.filter((e) => e.event === 'finished').length === 4 && events.filter((e) => e.event === 'started').length === 6, {
      timeoutMs: 30_000,
      description: 'the process to start all six and finish four',
    });
    await waitFor(async () => (await committedOffset(bed.kafka, groupId, topic.name)) === '2', { description: 'commit up to k2' });
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.kill('SIGKILL');
    await exited;
    expect(await committedOffset(bed.kafka, groupId, topic.name)).toBe('2');

    // The group notices the dead member after its session timeout and gives the partition to the next one.
    const next = new HeldHandlers();
    bed.afterTest(() => next.releaseAll());
    next.release(...ids);
    await windowedConsumer(groupId, { maxInFlight: 6 }).subscribe(topic, next.handle).start();
    await waitFor(async () => (await committedOffset(bed.kafka, groupId, topic.name)) === '6', { timeoutMs: 30_000, description: 'the rest committed by the next consumer' });
    expect(next.started).toEqual(['k2', 'k3', 'k4', 'k5']);
  });

  it('an invalid record is dead-lettered and committed past without waiting for the handlers around it', async () => {
    const topic = await bed.freshTopic('windowed-invalid');
    const deadLetterTopic = uniqueTopicName('dead-letter');
    await ensureTopics(bed.kafka, [deadLetterTopic], { partitions: 1 });
    const deadLetters = await TopicRecorder.start(bed.kafka, [deadLetterTopic]);
    bed.stopAfterTest(deadLetters);
    await produce(topic, ['v0', Buffer.from('{not json'), 'v2']);
    const groupId = uniqueGroupId('windowed-invalid');
    const held = new HeldHandlers();
    bed.afterTest(() => held.releaseAll());
    const watch = watchCommits(groupId, topic, ['v0', 'invalid', 'v2'], () => [...held.finished, 'invalid']);
    await windowedConsumer(groupId, { maxInFlight: 3 }, { deadLetterTopic }).subscribe(topic, held.handle).start();

    // v0 is still running: the invalid record behind it is dead-lettered, and v2 behind that starts.
    const [deadLetter] = await deadLetters.waitForCount(1);
    expect(readDeadLetterRecord(deadLetter!)).toMatchObject({ originalTopic: topic.name, originalOffset: '1', consumerGroup: groupId, reason: expect.stringMatching(/^not JSON/) });
    await waitFor(() => held.running.size === 2, { description: 'v0 and v2 running' });
    expect(held.started).toEqual(['v0', 'v2']);

    held.release('v2');
    await waitFor(() => held.finished.includes('v2'));
    held.release('v0');
    await waitFor(async () => (await committedOffset(bed.kafka, groupId, topic.name)) === '3', { description: 'all three committed' });
    expect(watch.violations).toEqual([]);
  });

  it('a failing handler is retried (and reported stuck) without holding up the others in the window, but holds the commit point', async () => {
    const topic = await bed.freshTopic('windowed-retry');
    const ids = ['f0', 'f1', 'f2'];
    await produce(topic, ids);
    const groupId = uniqueGroupId('windowed-retry');
    const logger = new RecordingLogger();
    let healed = false;
    const attempts: string[] = [];
    const finished: string[] = [];
    const watch = watchCommits(groupId, topic, ids, () => finished);
    const consumer = windowedConsumer(groupId, { maxInFlight: 3 }, { logger, stuckAfterMs: 300 }).subscribe(topic, async (envelope) => {
      const id = envelope.payload.creditId;
      attempts.push(id);
      if (id === 'f0' && !healed) throw new Error('Redis briefly unavailable');
      finished.push(id);
    });
    await consumer.start();

    await waitFor(() => attempts.filter((id) => id === 'f0').length >= 3 && consumer.health().stuck.length === 1, { description: 'f0 retried until it is stuck' });
    expect(finished).toEqual(['f1', 'f2']);
    expect(consumer.health().stuck).toEqual([expect.objectContaining({ topic: topic.name, partition: 0, offset: '0', lastError: 'Redis briefly unavailable' })]);
    expect(consumer.health().windows?.[0]).toMatchObject({ inFlight: 1, uncommitted: 3, commitPoint: undefined });
    expect(await committedOffset(bed.kafka, groupId, topic.name)).toBeUndefined();
    expect(logger.at('error')[0]).toMatchObject({ message: expect.stringMatching(/^MESSAGE STALLED/), fields: { offset: '0' } });

    healed = true;
    await waitFor(async () => (await committedOffset(bed.kafka, groupId, topic.name)) === '3', { description: 'all committed once f0 succeeds' });
    expect(consumer.health().stuck).toEqual([]);
    expect(attempts.filter((id) => id !== 'f0')).toEqual(['f1', 'f2']);
    expect(watch.violations).toEqual([]);
  });

  it('a rebalance starts nothing twice on the partition this member keeps; the one it loses goes to the new member, unfinished messages included', async () => {
    const topic = await bed.freshTopic('windowed-rebalance', 2);
    await produce(topic, ['p0-0', 'p0-1', 'p0-2'], 0);
    await produce(topic, ['p1-0', 'p1-1', 'p1-2'], 1);
    const groupId = uniqueGroupId('windowed-rebalance');
    const first = new HeldHandlers();
    bed.afterTest(() => first.releaseAll());
    const firstConsumer = windowedConsumer(groupId, { maxInFlight: 3 }).subscribe(topic, first.handle);
    await firstConsumer.start();
    await waitFor(() => first.running.size === 6, { description: 'all six running in the first member' });
    first.release('p0-0', 'p1-0');
    await waitFor(async () => (await committedOffset(bed.kafka, groupId, topic.name, 0)) === '1' && (await committedOffset(bed.kafka, groupId, topic.name, 1)) === '1', {
      description: 'both partitions committed up to 1',
    });

    const second = new HeldHandlers();
    bed.afterTest(() => second.releaseAll());
    const secondConsumer = windowedConsumer(groupId, { maxInFlight: 3 }).subscribe(topic, second.handle);
    await secondConsumer.start({ waitForJoinMs: 20_000 });
    await waitFor(() => firstConsumer.health().windows?.length === 1, { description: 'the first member to give up one partition' });
    const kept = firstConsumer.health().windows?.[0]?.partition;
    const lost = kept === 0 ? 1 : 0;

    // The lost partition's unfinished messages (and only those) go to the new member.
    await waitFor(() => second.started.length === 2, { description: 'the new member to take the unfinished messages of the lost partition' });
    expect(second.started).toEqual([`p${lost}-1`, `p${lost}-2`]);
    // kafkajs fetched the kept partition again from its committed offset; nothing there started twice.
    first.release(`p${kept}-1`, `p${kept}-2`);
    second.release(`p${lost}-1`, `p${lost}-2`);
    await waitFor(async () => (await committedOffset(bed.kafka, groupId, topic.name, kept)) === '3' && (await committedOffset(bed.kafka, groupId, topic.name, lost)) === '3', {
      description: 'both partitions committed',
    });
    expect(first.started.filter((id) => id.startsWith(`p${kept}-`))).toEqual([`p${kept}-0`, `p${kept}-1`, `p${kept}-2`]);
    expect(second.started).toEqual([`p${lost}-1`, `p${lost}-2`]);

    // The first member's handlers of the lost partition end late; they change nothing for the new owner.
    first.releaseAll();
    await waitFor(() => first.running.size === 0);
    expect(await committedOffset(bed.kafka, groupId, topic.name, lost)).toBe('3');
    expect(secondConsumer.health().windows?.map((w) => w.partition)).toEqual([lost]);
  });
});

function startCrashFixture(settings: WindowedCrashFixtureSettings, events: WindowedCrashFixtureEvent[]): ChildProcess {
  const root = resolve(__dirname, '../../..');
  const child = spawn(process.execPath, [resolve(root, 'tools/run-ts.js'), resolve(__dirname, 'testing/windowed-crash.fixture.ts')], {
    cwd: root,
    env: { ...process.env, WINDOWED_FIXTURE: JSON.stringify(settings) },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  let buffered = '';
  child.stdout?.setEncoding('utf8');
  child.stdout?.on('data', (chunk: string) => {
    buffered += chunk;
    const lines = buffered.split('\n');
    buffered = lines.pop() ?? '';
    for (const line of lines) if (line.trim()) events.push(JSON.parse(line) as WindowedCrashFixtureEvent);
  });
  return child;
}
