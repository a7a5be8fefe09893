import { z } from 'zod';

/**
 * The one envelope every Kafka message travels in (spec/architecture.md "Communication").
 * `id` is what consumers de-duplicate on (inbox); `key` is the partition key.
 */
export const envelopeSchema = z.object({
  id: z.string().uuid(),
  type: z.string().min(1),
  version: z.number().int().positive(),
  key: z.string().min(1),
  correlationId: z.string().min(1),
  causationId: z.string().min(1).optional(),
  businessDate: z.string().regex(/^\d{4}-\d{2}-\d{2}$/).optional(),
  occurredAt: z.string().datetime(),
  payload: z.unknown(),
});

export type EventEnvelope<T = unknown> = Omit<z.infer<typeof envelopeSchema>, 'payload'> & { payload: T };

/** A topic: its versioned name (`<domain>.<internal|external>.<event>.<version>`) and its payload schema. */
export interface TopicDef<T> {
  readonly name: string;
  readonly type: string;
  readonly version: number;
  readonly schema: z.ZodType<T, z.ZodTypeDef, unknown>;
}

export function defineTopic<T>(type: string, version: number, schema: z.ZodType<T, z.ZodTypeDef, unknown>): TopicDef<T> {
  return { name: `custody.internal.${type}.${version}`, type, version, schema };
}
