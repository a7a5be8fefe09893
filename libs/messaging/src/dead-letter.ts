import type { IHeaders, Message } from 'kafkajs';

/** Headers a dead-lettered record carries; the value is the original bytes, untouched. */
export const DEAD_LETTER_HEADERS = {
  originalTopic: 'x-dead-letter-original-topic',
  originalPartition: 'x-dead-letter-original-partition',
  originalOffset: 'x-dead-letter-original-offset',
  consumerGroup: 'x-dead-letter-consumer-group',
  reason: 'x-dead-letter-reason',
  failedAt: 'x-dead-letter-failed-at',
} as const;

export interface DeadLetterSource {
  topic: string;
  partition: number;
  offset: string;
  consumerGroup: string;
  key: Buffer | null;
  value: Buffer | null;
  headers?: IHeaders;
}

export interface DeadLetterRecord {
  originalTopic: string;
  originalPartition: number;
  originalOffset: string;
  consumerGroup: string;
  reason: string;
  failedAt: string;
  key: Buffer | null;
  value: Buffer | null;
}

/** Thrown by a handler that knows the message can never be applied: it goes to the dead-letter topic. */
export class DeadLetterError extends Error {}

/** A reason travels in a header; a multi-kilobyte zod report would not help anyone there. */
const MAX_REASON_LENGTH = 2_000;

export function buildDeadLetterMessage(source: DeadLetterSource, reason: string, failedAt = new Date()): Message {
  return {
    key: source.key,
    value: source.value,
    headers: {
      // The original headers come along, so tracing ids survive the detour.
      ...(source.headers ?? {}),
      [DEAD_LETTER_HEADERS.originalTopic]: source.topic,
      [DEAD_LETTER_HEADERS.originalPartition]: String(source.partition),
      [DEAD_LETTER_HEADERS.originalOffset]: source.offset,
      [DEAD_LETTER_HEADERS.consumerGroup]: source.consumerGroup,
      [DEAD_LETTER_HEADERS.reason]: reason.slice(0, MAX_REASON_LENGTH),
      [DEAD_LETTER_HEADERS.failedAt]: failedAt.toISOString(),
    },
  };
}

function headerText(headers: IHeaders | undefined, name: string): string | undefined {
  const value = headers?.[name];
  const first = Array.isArray(value) ? value[0] : value;
  return first === undefined ? undefined : first.toString();
}

/** Reads a dead-lettered record back (for operators' tools and tests); undefined if it is not one. */
export function readDeadLetterRecord(message: { key: Buffer | string | null; value: Buffer | null; headers?: IHeaders }): DeadLetterRecord | undefined {
  const originalTopic = headerText(message.headers, DEAD_LETTER_HEADERS.originalTopic);
  const reason = headerText(message.headers, DEAD_LETTER_HEADERS.reason);
  if (originalTopic === undefined || reason === undefined) return undefined;
  return {
    originalTopic,
    originalPartition: Number(headerText(message.headers, DEAD_LETTER_HEADERS.originalPartition)),
    originalOffset: headerText(message.headers, DEAD_LETTER_HEADERS.originalOffset) ?? '',
    consumerGroup: headerText(message.headers, DEAD_LETTER_HEADERS.consumerGroup) ?? '',
    reason,
    failedAt: headerText(message.headers, DEAD_LETTER_HEADERS.failedAt) ?? '',
    key: typeof message.key === 'string' ? Buffer.from(message.key, 'utf8') : message.key,
    value: message.value,
  };
}
