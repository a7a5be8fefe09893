import { randomUUID } from 'node:crypto';
import { envelopeSchema, type EventEnvelope, type TopicDef } from '@custody/contracts';
import { describeZodError } from './zod-issues';

export interface EnvelopeOptions {
  /** The partition key: `fundAccountNo` for account/ledger traffic, `bankCode` for traffic to a bank adapter. */
  key: string;
  /** The flow this message belongs to; a message that starts a flow is its own correlation. */
  correlationId?: string;
  /** The id of the message that caused this one. */
  causationId?: string;
  /** `YYYY-MM-DD`, the business day the message counts for. */
  businessDate?: string;
  /** Only for tests and replays that must fix the id; production code lets it be generated. */
  id?: string;
  /** Defaults to now. */
  occurredAt?: Date;
}

export class InvalidOutgoingMessageError extends Error {}

/**
 * Builds the one envelope every message travels in. The payload is checked against the topic's
 * schema here, at the producer: an invalid message would only be dead-lettered by every consumer,
 * and failing inside the producer's transaction rolls the state change back with it.
 */
export function newEnvelope<T, I>(topic: TopicDef<T, I>, payload: I, options: EnvelopeOptions): EventEnvelope<T> {
  const parsedPayload = topic.schema.safeParse(payload);
  if (!parsedPayload.success) {
    throw new InvalidOutgoingMessageError(`payload for ${topic.name} is invalid: ${describeZodError(parsedPayload.error)}`);
  }
  const id = options.id ?? randomUUID();
  const envelope: EventEnvelope<T> = {
    id,
    type: topic.type,
    version: topic.version,
    key: options.key,
    correlationId: options.correlationId ?? id,
    ...(options.causationId === undefined ? {} : { causationId: options.causationId }),
    ...(options.businessDate === undefined ? {} : { businessDate: options.businessDate }),
    occurredAt: (options.occurredAt ?? new Date()).toISOString(),
    payload: parsedPayload.data,
  };
  const parsedEnvelope = envelopeSchema.safeParse(envelope);
  if (!parsedEnvelope.success) {
    throw new InvalidOutgoingMessageError(`envelope for ${topic.name} is invalid: ${describeZodError(parsedEnvelope.error)}`);
  }
  return envelope;
}
