import { createTestKafka, requireInfrastructure, uniqueTopicName } from '@custody/testing';
import type { Kafka } from 'kafkajs';
import { ensureTopics } from './topic.provisioning';

/*
 * Services start side by side and provision the same topics (the stack starts them all at once). Each
 * must come out with every topic created and led, whichever of them created it; a producer that starts
 * right after must find its partitions.
 */
jest.setTimeout(60_000);

let kafka: Kafka;

beforeAll(async () => {
  await requireInfrastructure({ kafka: true });
  kafka = createTestKafka('topic-provisioning-test');
});

describe('ensureTopics', () => {
  it('lets several services provision the same new topics at once, each returning only when every partition has a leader', async () => {
    const topics = [uniqueTopicName('provision-a'), uniqueTopicName('provision-b'), uniqueTopicName('provision-c')];
    const created = await Promise.all(Array.from({ length: 5 }, () => ensureTopics(kafka, topics, { partitions: 3 })));

    // Between them they created each topic; every caller waited for all of them, not only its own.
    expect(new Set(created.flat())).toEqual(new Set(topics));
    const admin = kafka.admin();
    await admin.connect();
    try {
      const { topics: metadata } = await admin.fetchTopicMetadata({ topics });
      expect(metadata.map((t) => t.name).sort()).toEqual([...topics].sort());
      for (const topic of metadata) {
        expect(topic.partitions).toHaveLength(3);
        expect(topic.partitions.every((p) => p.leader >= 0)).toBe(true);
      }
    } finally {
      await admin.disconnect();
    }
    const producer = kafka.producer({ allowAutoTopicCreation: false });
    await producer.connect();
    try {
      const sent = await producer.send({ topic: topics[0]!, messages: [{ key: 'k', value: 'v' }] });
      expect(sent[0]?.errorCode).toBe(0);
    } finally {
      await producer.disconnect();
    }
  });

  it('leaves existing topics alone and reports that it created nothing', async () => {
    const topic = uniqueTopicName('provision-existing');
    expect(await ensureTopics(kafka, [topic], { partitions: 2 })).toEqual([topic]);
    expect(await ensureTopics(kafka, [topic], { partitions: 5 })).toEqual([]);
    const admin = kafka.admin();
    await admin.connect();
    try {
      const { topics: metadata } = await admin.fetchTopicMetadata({ topics: [topic] });
      expect(metadata[0]?.partitions).toHaveLength(2);
    } finally {
      await admin.disconnect();
    }
  });
});
