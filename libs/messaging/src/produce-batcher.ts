import type { Message, Producer } from 'kafkajs';

/** The part of a kafkajs producer the batcher uses (a seam for tests). */
export type BatchSender = Pick<Producer, 'sendBatch'>;

interface Pending {
  topic: string;
  message: Message;
  resolve: () => void;
  reject: (error: unknown) => void;
}

/**
 * Group commit for Kafka (issue 9): messages sent one by one while a produce request is on its way are gathered and
 * go out together in the next request, instead of one request (and one acks=all round trip at the broker) each.
 * Nothing waits on a timer: with nothing in flight a message leaves at the end of the current turn of the event
 * loop, so a lone message is not delayed and a burst shares requests. Each `send` resolves when the broker has
 * acknowledged its batch, and rejects with the batch's error (the caller retries as it would a single send).
 *
 * Order: messages leave in the order `send` was called, one request at a time (the idempotent producer keeps one
 * in flight anyway), so per-key order is as with single sends.
 */
export class ProduceBatcher {
  private queue: Pending[] = [];
  private flushing = false;
  private scheduled = false;

  constructor(
    private readonly producer: BatchSender,
    private readonly maxBatch = 500,
  ) {}

  send(topic: string, message: Message): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      this.queue.push({ topic, message, resolve, reject });
      this.schedule();
    });
  }

  private schedule(): void {
    if (this.flushing || this.scheduled) return;
    this.scheduled = true;
    setImmediate(() => {
      this.scheduled = false;
      void this.flush();
    });
  }

  private async flush(): Promise<void> {
    this.flushing = true;
    try {
      while (this.queue.length > 0) {
        const batch = this.queue.splice(0, this.maxBatch);
        try {
          await this.producer.sendBatch({ acks: -1, topicMessages: groupByTopic(batch) });
          for (const p of batch) p.resolve();
        } catch (error) {
          for (const p of batch) p.reject(error);
        }
      }
    } finally {
      this.flushing = false;
    }
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
