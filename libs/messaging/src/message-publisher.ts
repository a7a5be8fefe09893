import type { EventEnvelope, TopicDef } from '@custody/contracts';
import type { EntityManager } from 'typeorm';
import type { EnvelopeOptions } from './envelope.factory';

/**
 * What domain code publishes through. `manager` is the transaction that changes the state: the
 * message is part of that transaction and is published if and only if it commits. The production
 * implementation is the `Outbox`; tests of rule code use `RecordingMessagePublisher` from
 * `@custody/testing`.
 */
export interface MessagePublisher {
  publish<T, I>(manager: EntityManager, topic: TopicDef<T, I>, payload: I, options: EnvelopeOptions): Promise<EventEnvelope<T>>;
}

/** A handler of a transactional consumer: its writes and the inbox entry commit together. */
export type TransactionalHandler<T> = (envelope: EventEnvelope<T>, manager: EntityManager) => Promise<void>;

/** A handler of an at-least-once consumer (no database): it must be idempotent itself. */
export type EnvelopeHandler<T> = (envelope: EventEnvelope<T>) => Promise<void>;
