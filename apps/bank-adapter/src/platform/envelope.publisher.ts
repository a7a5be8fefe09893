import type { TopicDef } from '@custody/contracts';
import { createIdempotentProducer, encodeEnvelope, newEnvelope, type EnvelopeOptions } from '@custody/messaging';
import type { TopicNamespace } from '@custody/service-kit';
import type { Kafka, Producer } from 'kafkajs';

/** How the adapter's core publishes; resolves once the broker has the message (acks=all). */
export interface EnvelopePublisher {
  publish<T>(topic: TopicDef<T>, payload: T, options: EnvelopeOptions): Promise<void>;
}

/**
 * The adapter has no database, hence no outbox: it publishes directly with the idempotent producer
 * and only then lets its consumer commit the offset that caused the message (at-least-once). Topic
 * names go through the stack's namespace like every other service's.
 */
export class KafkaEnvelopePublisher implements EnvelopePublisher {
  private readonly producer: Producer;

  constructor(
    kafka: Kafka,
    private readonly namespace: TopicNamespace,
  ) {
    this.producer = createIdempotentProducer(kafka);
  }

  connect(): Promise<void> {
    return this.producer.connect();
  }

  disconnect(): Promise<void> {
    return this.producer.disconnect();
  }

  async publish<T>(topic: TopicDef<T>, payload: T, options: EnvelopeOptions): Promise<void> {
    const envelope = newEnvelope(topic, payload, options);
    await this.producer.send({
      topic: this.namespace.name(topic.name),
      acks: -1,
      messages: [{ key: options.key, value: encodeEnvelope(envelope) }],
    });
  }
}
