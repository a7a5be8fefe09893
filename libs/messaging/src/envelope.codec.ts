import { envelopeSchema, type EventEnvelope, type TopicDef } from '@custody/contracts';
import { describeZodError } from './zod-issues';

export type DecodeResult<T> = { ok: true; envelope: EventEnvelope<T> } | { ok: false; reason: string };

export function encodeEnvelope(envelope: EventEnvelope<unknown>): Buffer {
  return Buffer.from(JSON.stringify(envelope), 'utf8');
}

/**
 * Reads a Kafka record value as an envelope of the given topic: JSON, then the envelope, then the
 * type and version the topic carries, then the payload schema. Every refusal says why, because the
 * reason travels with the message to the dead-letter topic and is what an operator reads first.
 */
export function decodeEnvelope<T>(topic: TopicDef<T>, value: Buffer | null): DecodeResult<T> {
  if (value === null || value.length === 0) return { ok: false, reason: 'empty record value (tombstone?)' };
  let json: unknown;
  try {
    json = JSON.parse(value.toString('utf8'));
  } catch (error) {
    return { ok: false, reason: `not JSON: ${(error as Error).message}` };
  }
  const envelope = envelopeSchema.safeParse(json);
  if (!envelope.success) return { ok: false, reason: `envelope invalid: ${describeZodError(envelope.error)}` };
  const { type, version } = envelope.data;
  if (type !== topic.type || version !== topic.version) {
    return { ok: false, reason: `envelope says ${type} v${version} but topic ${topic.name} carries ${topic.type} v${topic.version}` };
  }
  const payload = topic.schema.safeParse(envelope.data.payload);
  if (!payload.success) return { ok: false, reason: `payload invalid: ${describeZodError(payload.error, 'payload')}` };
  return { ok: true, envelope: { ...envelope.data, payload: payload.data } };
}
