import { setTimeout as sleep } from 'node:timers/promises';
import type { Admin, ITopicConfig, Kafka } from 'kafkajs';

export interface EnsureTopicsOptions {
  /** Services scale by partition, so this is the ceiling of a consumer group's useful replicas. */
  partitions: number;
  replicationFactor?: number;
  configEntries?: ITopicConfig['configEntries'];
  /** How long to wait for every topic to have a leader on all its partitions; 30 s unless given. */
  readyTimeoutMs?: number;
}

const DEFAULT_READY_TIMEOUT_MS = 30_000;
const POLL_MS = 100;

/**
 * Creates the topics a service needs at start-up when they are missing, and leaves existing ones
 * alone (partition counts only ever grow by a deliberate operation, because growing one remaps keys
 * to partitions and breaks per-key order for in-flight traffic). Returns the names it created.
 *
 * Services start side by side and share topics, so another one may be creating the same topic at this
 * instant: "already exists" is success, and this returns only once every topic, whoever created it, has
 * a leader on each partition. Without that wait a producer or consumer that starts right after can be
 * told "this server does not host this topic-partition" and fail its start.
 */
export async function ensureTopics(kafka: Kafka, topicNames: readonly string[], options: EnsureTopicsOptions): Promise<string[]> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    const wanted = [...new Set(topicNames)];
    const deadline = Date.now() + (options.readyTimeoutMs ?? DEFAULT_READY_TIMEOUT_MS);
    const created = await createMissing(admin, wanted, options, deadline);
    await waitForLeaders(admin, wanted, deadline);
    return created;
  } finally {
    await admin.disconnect();
  }
}

/** Creates what is missing; a busy broker's retriable refusal (a timeout, say) is tried again until the deadline. */
async function createMissing(admin: Admin, wanted: string[], options: EnsureTopicsOptions, deadline: number): Promise<string[]> {
  const created: string[] = [];
  for (;;) {
    const existing = new Set(await admin.listTopics());
    const missing = wanted.filter((name) => !existing.has(name));
    if (missing.length === 0) return created;
    try {
      await admin.createTopics({
        waitForLeaders: false,
        topics: missing.map((topic) => ({
          topic,
          numPartitions: options.partitions,
          replicationFactor: options.replicationFactor ?? -1,
          configEntries: options.configEntries,
        })),
      });
      return [...created, ...missing];
    } catch (error) {
      if (isAlreadyExists(error)) return created;
      if (!isRetriable(error) || Date.now() >= deadline) throw error;
    }
    await sleep(POLL_MS);
  }
}

async function waitForLeaders(admin: Admin, topics: string[], deadline: number): Promise<void> {
  let lastProblem = 'no metadata yet';
  while (Date.now() < deadline) {
    try {
      const { topics: metadata } = await admin.fetchTopicMetadata({ topics });
      const leaderless = metadata.filter((t) => t.partitions.length === 0 || t.partitions.some((p) => p.leader < 0)).map((t) => t.name);
      if (metadata.length === topics.length && leaderless.length === 0) return;
      lastProblem = `no leader yet for ${leaderless.join(', ') || 'some topics'}`;
    } catch (error) {
      if (!isRetriable(error)) throw error;
      lastProblem = (error as Error).message;
    }
    await sleep(POLL_MS);
  }
  throw new Error(`topics not ready within the wait (${lastProblem}): ${topics.join(', ')}`);
}

type KafkaError = { type?: string; retriable?: boolean; errors?: KafkaError[] };

function causes(error: unknown): KafkaError[] {
  const e = error as KafkaError;
  return e?.errors && e.errors.length > 0 ? e.errors : [e];
}

function isAlreadyExists(error: unknown): boolean {
  return causes(error).every((e) => e?.type === 'TOPIC_ALREADY_EXISTS');
}

/**
 * kafkajs marks the errors of a topic still being created (unknown topic, no leader yet) and of a busy
 * broker (request timed out) retriable; a batch that mixes those with "already exists" is worth a retry too.
 */
function isRetriable(error: unknown): boolean {
  return causes(error).every((e) => e?.retriable === true || e?.type === 'TOPIC_ALREADY_EXISTS');
}
