import type { Kafka } from 'kafkajs';
import type { MessagingLogger } from './messaging.logger';

export interface OffsetCarry {
  /** The group that read the topics until now. */
  from: string;
  /** The group that reads them from now on; it shares `from`'s inbox (TransactionalConsumerOptions.inboxGroup). */
  to: string;
  topics: readonly string[];
}

/**
 * Starts group `to` where group `from` left each of `topics` that `to` has never committed on, so that a service
 * moving a topic from one of its consumer groups to another goes on where it was instead of reading the topic's whole
 * retention again (a new group starts from the beginning). Nothing is applied twice either way: what `from` applied
 * after its last commit is read again by `to`, whose inbox is `from`'s. Call it before `to` starts. A topic `to` has
 * committed on is left alone, and so is a group that already has members (another replica carried it and started).
 * Returns the topics carried.
 */
export async function carryCommittedOffsets(kafka: Kafka, { from, to, topics }: OffsetCarry, logger: MessagingLogger): Promise<string[]> {
  if (topics.length === 0) return [];
  const admin = kafka.admin();
  await admin.connect();
  try {
    const own = await admin.fetchOffsets({ groupId: to, topics: [...topics] });
    const left = await admin.fetchOffsets({ groupId: from, topics: [...topics] });
    const carried: string[] = [];
    for (const { topic, partitions } of own) {
      if (partitions.some((partition) => partition.offset !== '-1')) continue;
      const where = (left.find((entry) => entry.topic === topic)?.partitions ?? []).filter((partition) => partition.offset !== '-1');
      if (where.length === 0) continue;
      try {
        await admin.setOffsets({ groupId: to, topic, partitions: where.map(({ partition, offset }) => ({ partition, offset })) });
      } catch (error) {
        // kafkajs refuses to move the offsets of a group with members: another replica got there first.
        logger.info({ from, to, topic, error }, 'offsets not carried: the group already has members');
        continue;
      }
      carried.push(topic);
      logger.info({ from, to, topic, partitions: where }, `group ${to} starts ${topic} where group ${from} left it`);
    }
    return carried;
  } finally {
    await admin.disconnect();
  }
}
