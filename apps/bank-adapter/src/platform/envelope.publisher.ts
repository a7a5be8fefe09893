import type { TopicDef } from '@custody/contracts';
import { activeTraceHeaders, createIdempotentProducer, encodeEnvelope, newEnvelope, ProduceBatcher, type EnvelopeOptions } from '@custody/messaging';
import type { TopicNamespace } from '@custody/service-kit';
import type { Kafka, Producer } from 'kafkajs';

/** How the adapter's core publishes; resolves once the broker has the message (acks=all). */
export interface EnvelopePublisher {
  publish<T, I>(topic: TopicDef<T, I>, payload: I, options: EnvelopeOptions): Promise<void>;
}

/**
 * Call completions, bank requests and status reports change no state of the adapter's own, so they are
 * published directly with the idempotent producer, and only then does the consumer commit the offset that
 * caused the message (at-least-once). What does end a state of its own — a file step, the bank's 13005 — goes
 * through the outbox of its schema instead. Topic names go through the stack's namespace like every other
 * service's. Completions of calls answered together leave in one produce request (`ProduceBatcher`, issue 9).
 */
export class KafkaEnvelopePublisher implements EnvelopePublisher {
  private readonly producer: Producer;
  private readonly batcher: ProduceBatcher;

  constructor(
    kafka: Kafka,
    private readonly namespace: TopicNamespace,
  ) {
    this.producer = createIdempotentProducer(kafka);
    this.batcher = new ProduceBatcher(this.producer);
  }

  connect(): Promise<void> {
    return this.producer.connect();
  }

  disconnect(): Promise<void> {
    return this.producer.disconnect();
  }

  async publish<T, I>(topic: TopicDef<T, I>, payload: I, options: EnvelopeOptions): Promise<void> {
    const envelope = newEnvelope(topic, payload, options);
    // The trace of the call (or the bank's request) goes on with what it caused.
    await this.batcher.send(this.namespace.name(topic.name), { key: options.key, value: encodeEnvelope(envelope), headers: activeTraceHeaders() });
  }
}
