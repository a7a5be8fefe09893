import type { Message, Producer } from 'kafkajs';
import { InFlightBatcher } from '@custody/persistence';

/** The part of a kafkajs producer the batcher uses (a seam for tests). */
export type BatchSender = Pick<Producer, 'sendBatch'>;

/**
 * Group commit for Kafka (issue 9): messages sent one by one while a produce request is on its way go out together in
 * the next request (`InFlightBatcher`), instead of one request (and one acks=all round trip at the broker) each. Each
 * `send` resolves when the broker has acknowledged its batch, and rejects with the batch's error (the caller retries as
 * it would a single send).
 *
 * Order: messages leave in the order `send` was called, one request at a time (the idempotent producer keeps one
 * in flight anyway), so per-key order is as with single sends.
 */
export class ProduceBatcher {
  private readonly batcher: InFlightBatcher<{ topic: string; message: Message }, void>;

  constructor(producer: BatchSender, maxBatch = 500) {
    this.batcher = new InFlightBatcher<{ topic: string; message: Message }, void>(async (batch) => {
      await producer.sendBatch({ acks: -1, topicMessages: groupByTopic(batch) });
      return batch.map(() => undefined);
    }, maxBatch);
  }

  send(topic: string, message: Message): Promise<void> {
    return this.batcher.submit({ topic, message });
  }
}

/** One entry per topic, messages in the order given (a topic's partitions keep their keys' order); for `sendBatch`. */
export function groupByTopic(batch: ReadonlyArray<{ topic: string; message: Message }>): Array<{ topic: string; messages: Message[] }> {
  const topics = new Map<string, Message[]>();
  for (const { topic, message } of batch) {
    const messages = topics.get(topic);
    if (messages) messages.push(message);
    else topics.set(topic, [message]);
  }
  return [...topics].map(([topic, messages]) => ({ topic, messages }));
}
