import { createKafka, kafkaBrokersFromEnv } from '@custody/messaging';
import { connect, type Socket } from 'node:net';
import { AssignerProtocol, Kafka, logLevel, type IHeaders, type ISocketFactory, type logCreator } from 'kafkajs';
import { uniqueGroupId } from './unique-names';
import { waitFor } from './wait-for';

/**
 * On a fresh broker the first group or idempotent producer meets "coordinator not available" while
 * the internal topics are created; kafkajs retries and logs each attempt at error level. Those lines
 * say nothing about the code under test, so they are dropped; every other error is printed.
 */
const TRANSIENT_BROKER_ERRORS = /coordinator is not available|coordinator is loading|not the correct coordinator|leader(ship)? (is )?not available|There is no leader/i;

const testLogCreator: logCreator = () => ({ namespace, log }) => {
  const error = typeof log['error'] === 'string' ? log['error'] : '';
  if (TRANSIENT_BROKER_ERRORS.test(error)) return;
  console.error(`[kafkajs ${namespace}] ${log.message}${error ? `: ${error}` : ''}`);
};

/** Kafka's API key of ListOffsets: how a consumer learns where "latest" is. */
const LIST_OFFSETS_API_KEY = 2;
/** Kafka's NOT_LEADER_OR_FOLLOWER: what a broker answers while a new topic's partition has no leader yet. */
const NOT_LEADER_OR_FOLLOWER = 6;

/** A client tuned to fail fast in tests rather than retry for half a minute. */
export function createTestKafka(clientId = 'custody-test', options: { listOffsetsFault?: ListOffsetsFault; link?: KafkaLink } = {}): Kafka {
  if (options.listOffsetsFault && options.link) throw new Error('one socket fault at a time');
  const socketFactory = options.listOffsetsFault ? listOffsetsFaultySocketFactory(options.listOffsetsFault) : options.link?.socketFactory;
  // createKafka: the test's clients get the library's mend of kafkajs's idle loop (kafkajs-idle-loop.mend.ts) as the services' do.
  return createKafka({
    clientId,
    ...(socketFactory ? { socketFactory } : {}),
    brokers: kafkaBrokersFromEnv(),
    connectionTimeout: 2_000,
    requestTimeout: 10_000,
    retry: { retries: 5, initialRetryTime: 100, maxRetryTime: 1_000 },
    logLevel: logLevel.ERROR,
    logCreator: testLogCreator,
  });
}

/**
 * The network between one client and the broker, which a test cuts and mends: a process that loses its
 * partitions (its group session expires) while it goes on running, as in a network partition or a long
 * pause. While cut, every connection of the client is dropped and new ones fail at once.
 */
export class KafkaLink {
  private readonly sockets = new Set<Socket>();
  private severed = false;

  readonly socketFactory: ISocketFactory = ({ host, port, onConnect }) => {
    const socket = connect({ host, port }, onConnect);
    this.sockets.add(socket);
    socket.once('close', () => this.sockets.delete(socket));
    if (this.severed) setImmediate(() => socket.destroy(new Error('link to the broker cut by the test')));
    return socket;
  };

  cut(): void {
    this.severed = true;
    for (const socket of this.sockets) socket.destroy(new Error('link to the broker cut by the test'));
  }

  mend(): void {
    this.severed = false;
  }
}

/**
 * What happens to ListOffsets, on demand, as while a new topic elects its leader: the first
 * `notLeaderFirst` requests are answered "not the leader" without reaching the broker, the rest
 * reach it `delayMs` late. A race a test cares about is then certain, not lucky.
 */
export interface ListOffsetsFault {
  notLeaderFirst?: number;
  delayMs?: number;
}

function listOffsetsFaultySocketFactory({ notLeaderFirst = 0, delayMs = 0 }: ListOffsetsFault): ISocketFactory {
  let refused = 0;
  return ({ host, port, onConnect }) => {
    const socket = connect({ host, port }, onConnect);
    const write = socket.write.bind(socket) as (chunk: unknown, ...rest: unknown[]) => boolean;
    // kafkajs writes each request whole: a 4-byte size, then the 2-byte API key.
    socket.write = ((chunk: unknown, ...rest: unknown[]) => {
      if (!Buffer.isBuffer(chunk) || chunk.length < 6 || chunk.readInt16BE(4) !== LIST_OFFSETS_API_KEY) return write(chunk, ...rest);
      if (refused < notLeaderFirst) {
        refused += 1;
        const reply = notLeaderReply(chunk);
        setImmediate(() => socket.emit('data', reply));
        return true;
      }
      setTimeout(() => {
        if (!socket.destroyed) write(chunk, ...rest);
      }, delayMs);
      return true;
    }) as typeof socket.write;
    return socket;
  };
}

/**
 * The broker's ListOffsets v2/v3 response naming every requested partition NOT_LEADER_OR_FOLLOWER
 * (Kafka protocol guide, ListOffsets; the two versions share one layout).
 */
function notLeaderReply(request: Buffer): Buffer {
  const apiVersion = request.readInt16BE(6);
  if (apiVersion !== 2 && apiVersion !== 3) throw new Error(`ListOffsets v${apiVersion} is not what this fault knows how to answer`);
  const correlationId = request.readInt32BE(8);
  let at = 12;
  at += 2 + request.readInt16BE(at); // client id
  at += 4 + 1; // replica id, isolation level
  const parts: Buffer[] = [int32(correlationId), int32(0)];
  const topicCount = request.readInt32BE(at);
  at += 4;
  parts.push(int32(topicCount));
  for (let t = 0; t < topicCount; t += 1) {
    const nameLength = request.readInt16BE(at);
    parts.push(request.subarray(at, at + 2 + nameLength));
    at += 2 + nameLength;
    const partitionCount = request.readInt32BE(at);
    at += 4;
    parts.push(int32(partitionCount));
    for (let p = 0; p < partitionCount; p += 1) {
      const partition = request.readInt32BE(at);
      at += 4 + 8; // partition, timestamp
      const entry = Buffer.alloc(4 + 2 + 8 + 8);
      entry.writeInt32BE(partition, 0);
      entry.writeInt16BE(NOT_LEADER_OR_FOLLOWER, 4);
      entry.writeBigInt64BE(-1n, 6);
      entry.writeBigInt64BE(-1n, 14);
      parts.push(entry);
    }
  }
  const body = Buffer.concat(parts);
  return Buffer.concat([int32(body.length), body]);
}

function int32(value: number): Buffer {
  const buffer = Buffer.alloc(4);
  buffer.writeInt32BE(value, 0);
  return buffer;
}

/**
 * Consumer timings for tests: a dead member is noticed in seconds and a fetch returns as soon as
 * data arrives. Spread them into a consumer's options.
 */
export const testConsumerTimings = {
  sessionTimeoutMs: 6_000,
  heartbeatIntervalMs: 500,
  rebalanceTimeoutMs: 5_000,
  maxWaitTimeMs: 100,
} as const;

export interface RecordedMessage {
  topic: string;
  partition: number;
  offset: string;
  key: string | null;
  value: Buffer | null;
  headers: IHeaders;
  /** The value parsed as JSON, when it is JSON. */
  json: unknown;
}

/** Everything that arrives on some topics, read from the beginning by a group of its own. */
export class TopicRecorder {
  readonly messages: RecordedMessage[] = [];

  private constructor(private readonly stopConsumer: () => Promise<void>) {}

  static async start(kafka: Kafka, topics: string[]): Promise<TopicRecorder> {
    const consumer = kafka.consumer({ groupId: uniqueGroupId('recorder'), maxWaitTimeInMs: 100, sessionTimeout: 6_000, heartbeatInterval: 500 });
    const recorder = new TopicRecorder(() => consumer.disconnect());
    await consumer.connect();
    await consumer.subscribe({ topics, fromBeginning: true });
    await consumer.run({
      eachMessage: async ({ topic, partition, message }) => {
        let json: unknown;
        try {
          json = message.value ? JSON.parse(message.value.toString('utf8')) : undefined;
        } catch {
          json = undefined;
        }
        recorder.messages.push({
          topic,
          partition,
          offset: message.offset,
          key: message.key?.toString('utf8') ?? null,
          value: message.value,
          headers: message.headers ?? {},
          json,
        });
      },
    });
    return recorder;
  }

  /** Waits until at least `count` messages (matching `filter`) arrived, and returns them. */
  async waitForCount(count: number, options: { timeoutMs?: number; filter?: (message: RecordedMessage) => boolean } = {}): Promise<RecordedMessage[]> {
    const { timeoutMs = 15_000, filter = () => true } = options;
    return waitFor(
      () => {
        const matching = this.messages.filter(filter);
        return matching.length >= count ? matching : undefined;
      },
      { timeoutMs, description: `${count} message(s) on the recorded topics (have ${this.messages.filter(filter).length})` },
    );
  }

  stop(): Promise<void> {
    return this.stopConsumer();
  }
}

/** The offset a consumer group has committed on one partition, or undefined when none. */
export async function committedOffset(kafka: Kafka, groupId: string, topic: string, partition = 0): Promise<string | undefined> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    const [topicOffsets] = await admin.fetchOffsets({ groupId, topics: [topic] });
    const found = topicOffsets?.partitions.find((entry) => entry.partition === partition);
    return found && found.offset !== '-1' ? found.offset : undefined;
  } finally {
    await admin.disconnect();
  }
}

/** The topics a consumer group's members are assigned partitions of, as the group's coordinator says (sorted). */
export async function assignedTopics(kafka: Kafka, groupId: string): Promise<string[]> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    const { groups } = await admin.describeGroups([groupId]);
    const topics = groups.flatMap((group) =>
      group.members.flatMap((member) => Object.keys(AssignerProtocol.MemberAssignment.decode(member.memberAssignment)?.assignment ?? {})),
    );
    return [...new Set(topics)].sort();
  } finally {
    await admin.disconnect();
  }
}
