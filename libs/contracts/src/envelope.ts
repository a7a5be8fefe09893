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

/**
 * A topic: its versioned name (`<domain>.<internal|external>.<event>.<version>`) and its payload schema. `T` is
 * what a consumer gets (amounts as `Money`), `I` what a producer may pass (the schema's input: an amount as
 * `Money` or its text, a field with a default left out; `unknown` where only consumers are concerned).
 */
export interface TopicDef<T, I = unknown> {
  readonly name: string;
  readonly type: string;
  readonly version: number;
  readonly schema: z.ZodType<T, z.ZodTypeDef, I>;
}

export function defineTopic<T, I>(type: string, version: number, schema: z.ZodType<T, z.ZodTypeDef, I>): TopicDef<T, I> {
  return { name: `custody.internal.${type}.${version}`, type, version, schema };
}
