import type { EventEnvelope, TopicDef } from '@custody/contracts';
import { type EnvelopeOptions, newEnvelope } from '@custody/messaging';
import type { EnvelopePublisher } from '../platform/envelope.publisher';

/** Builds real envelopes (payloads validated) and keeps them; `fail` makes the next publishes throw. */
export class RecordingEnvelopePublisher implements EnvelopePublisher {
  readonly published: Array<{ topic: string; envelope: EventEnvelope<unknown> }> = [];
  failures = 0;

  async publish<T, I>(topic: TopicDef<T, I>, payload: I, options: EnvelopeOptions): Promise<void> {
    if (this.failures > 0) {
      this.failures -= 1;
      throw new Error('broker unavailable');
    }
    this.published.push({ topic: topic.name, envelope: newEnvelope(topic, payload, options) });
  }

  envelopesOf<T>(topic: TopicDef<T>): Array<EventEnvelope<T>> {
    return this.published.filter((entry) => entry.topic === topic.name).map((entry) => entry.envelope as EventEnvelope<T>);
  }
}
