import type { EventEnvelope, TopicDef } from '@custody/contracts';
import { newEnvelope, type EnvelopeOptions, type MessagePublisher } from '@custody/messaging';
import type { EntityManager } from 'typeorm';

/**
 * A `MessagePublisher` for unit tests of rule code: it builds real envelopes (payloads are still
 * validated) and keeps them in memory. Integration tests use the real Outbox.
 */
export class RecordingMessagePublisher implements MessagePublisher {
  readonly published: Array<{ topic: string; envelope: EventEnvelope<unknown> }> = [];

  async publish<T, I>(_manager: EntityManager, topic: TopicDef<T, I>, payload: I, options: EnvelopeOptions): Promise<EventEnvelope<T>> {
    const envelope = newEnvelope(topic, payload, options);
    this.published.push({ topic: topic.name, envelope });
    return envelope;
  }

  /** The payloads published on one topic, in order. */
  payloadsOf<T>(topic: TopicDef<T>): T[] {
    return this.published.filter((entry) => entry.topic === topic.name).map((entry) => entry.envelope.payload as T);
  }
}
