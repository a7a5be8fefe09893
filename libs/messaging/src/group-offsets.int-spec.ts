import { committedOffset, RecordingLogger, testConsumerTimings, uniqueGroupId, waitFor } from '@custody/testing';
import type { EventEnvelope } from '@custody/contracts';
import { Money } from '@custody/money';
import { encodeEnvelope } from './envelope.codec';
import { newEnvelope } from './envelope.factory';
import { carryCommittedOffsets } from './group-offsets';
import { claimInboxEntry } from './inbox';
import { quietLogger } from './messaging.logger';
import { TransactionalConsumer } from './transactional.consumer';
import { insertCredit, type CreditPayload, type CreditTopic } from './testing/credit.fixture';
import { messagingTestbed } from './testing/messaging-testbed';

jest.setTimeout(30_000);

const bed = messagingTestbed({ schema: 'group_offsets', clientId: 'group-offsets-test' });

async function produce(topic: CreditTopic, creditId: string): Promise<EventEnvelope<CreditPayload>> {
  const envelope = newEnvelope(topic, { creditId, fundAccountNo: '880001', amount: Money.parse('10.00') }, { key: '880001' });
  await bed.producer.send({ topic: topic.name, acks: -1, messages: [{ key: '880001', value: encodeEnvelope(envelope) }] });
  return envelope;
}

function consumerOf(groupId: string, inboxGroup: string): TransactionalConsumer {
  const consumer = new TransactionalConsumer({ kafka: bed.kafka, groupId, inboxGroup, dataSource: bed.db.dataSource, logger: new RecordingLogger(), ...testConsumerTimings });
  bed.stopAfterTest(consumer);
  return consumer;
}

describe("a topic moved from a service's consumer group into a lane of its own (real PostgreSQL and Kafka)", () => {
  it('issue 9: the lane starts where the service group left the topic, and what that group applied after its last offset commit is skipped by the inbox they share', async () => {
    const topic = await bed.freshTopic('moved', 1);
    const serviceGroup = uniqueGroupId('service');
    const laneGroup = uniqueGroupId('service-lane');
    const applied: string[] = [];
    const apply = async (envelope: EventEnvelope<CreditPayload>, manager: Parameters<typeof insertCredit>[0]): Promise<void> => {
      applied.push(envelope.payload.creditId);
      await insertCredit(manager, bed.db.schema, envelope.payload, envelope.id);
    };

    await produce(topic, 'a');
    await produce(topic, 'b');
    const before = consumerOf(serviceGroup, serviceGroup).subscribe(topic, apply);
    await before.start();
    await waitFor(() => applied.length === 2, { description: 'a and b applied by the service group' });
    await before.stop();
    expect(await committedOffset(bed.kafka, serviceGroup, topic.name)).toBe('2');
    // c applied by the service group, which then died before its offset commit: its inbox entry and effect, no offset.
    const c = await produce(topic, 'c');
    await bed.db.dataSource.transaction(async (manager) => {
      await claimInboxEntry(manager, bed.db.schema, { consumerGroup: serviceGroup, messageId: c.id, messageType: c.type, topic: topic.name, partition: 0, offset: '2' });
      await apply(c, manager);
    });
    await produce(topic, 'd');

    expect(await carryCommittedOffsets(bed.kafka, { from: serviceGroup, to: laneGroup, topics: [topic.name] }, quietLogger)).toEqual([topic.name]);
    expect(await committedOffset(bed.kafka, laneGroup, topic.name)).toBe('2');
    const lane = consumerOf(laneGroup, serviceGroup).subscribe(topic, apply);
    await lane.start();
    await waitFor(() => applied.includes('d'), { description: 'd applied by the lane' });
    await lane.stop();

    // a and b were not read again, c was read again and skipped: each applied once.
    expect(applied).toEqual(['a', 'b', 'c', 'd']);
    expect(await committedOffset(bed.kafka, laneGroup, topic.name)).toBe('4');
    // The lane has offsets of its own now: they are never overwritten by the service group's.
    expect(await carryCommittedOffsets(bed.kafka, { from: serviceGroup, to: laneGroup, topics: [topic.name] }, quietLogger)).toEqual([]);
    expect(await committedOffset(bed.kafka, laneGroup, topic.name)).toBe('4');
  });

  it('a group that never committed on the topic has nothing to carry: the lane starts as a new group does', async () => {
    const topic = await bed.freshTopic('fresh', 1);
    expect(await carryCommittedOffsets(bed.kafka, { from: uniqueGroupId('never'), to: uniqueGroupId('lane'), topics: [topic.name] }, quietLogger)).toEqual([]);
  });
});
