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

/** A bank code goes into a topic name: only what Kafka takes there (the configuration holds it to 7 digits). */
const TOPIC_SAFE_BANK_CODE = /^[A-Za-z0-9-]{1,12}$/;

/**
 * One event's topics, one per bank (`custody.internal.<type>.<bankCode>.<version>`), each built once: what a bank's
 * adapter reads, so that it never reads another bank's traffic (issue 9). Every topic carries the same event (type and
 * version); a message naming another bank than its topic's is refused by the schema (`what`: "a call" in "a call on
 * bank X's topic must name bank X"), so a misrouted one is dead-lettered with the reason instead of reaching the wrong
 * bank.
 */
export function topicsPerBank<T extends { bankCode: string }, I>(
  type: string,
  version: number,
  schema: z.ZodType<T, z.ZodTypeDef, I>,
  what: string,
): (bankCode: string) => TopicDef<T, I> {
  const built = new Map<string, TopicDef<T, I>>();
  return (bankCode) => {
    const known = built.get(bankCode);
    if (known) return known;
    if (!TOPIC_SAFE_BANK_CODE.test(bankCode)) throw new Error(`bank code ${JSON.stringify(bankCode)} cannot name a topic`);
    const topic: TopicDef<T, I> = {
      name: `custody.internal.${type}.${bankCode}.${version}`,
      type,
      version,
      schema: schema.refine((message) => message.bankCode === bankCode, { message: `${what} on bank ${bankCode}'s topic must name bank ${bankCode}`, path: ['bankCode'] }),
    };
    built.set(bankCode, topic);
    return topic;
  };
}
