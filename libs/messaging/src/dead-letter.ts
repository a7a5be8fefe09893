import type { IHeaders, Message } from 'kafkajs';

/** Headers a dead-lettered record carries; the value is the original bytes, untouched. */
export const DEAD_LETTER_HEADERS = {
  originalTopic: 'x-dead-letter-original-topic',
  originalPartition: 'x-dead-letter-original-partition',
  originalOffset: 'x-dead-letter-original-offset',
  consumerGroup: 'x-dead-letter-consumer-group',
  /** The envelope id; absent when the record could not be read as an envelope. */
  messageId: 'x-dead-letter-message-id',
  reason: 'x-dead-letter-reason',
  /** The refusal's code (e.g. a domain code such as HOLD_NOT_ACTIVE); absent for unreadable records. */
  errorCode: 'x-dead-letter-error-code',
  failedAt: 'x-dead-letter-failed-at',
} as const;

const DEAD_LETTER_HEADER_NAMES: ReadonlySet<string> = new Set(Object.values(DEAD_LETTER_HEADERS));

export interface DeadLetterSource {
  topic: string;
  partition: number;
  offset: string;
  consumerGroup: string;
  messageId?: string;
  key: Buffer | null;
  value: Buffer | null;
  headers?: IHeaders;
}

/** Why a record was given up. */
export interface DeadLetterFailure {
  reason: string;
  errorCode?: string;
}

export interface DeadLetterRecord {
  originalTopic: string;
  originalPartition: number;
  originalOffset: string;
  consumerGroup: string;
  messageId?: string;
  reason: string;
  errorCode?: string;
  failedAt: string;
  key: Buffer | null;
  value: Buffer | null;
  /** The headers the original record had (tracing ids), without the dead-letter ones. */
  originalHeaders: IHeaders;
}

/** Thrown by a handler that knows the message can never be applied: it goes to the dead-letter topic. */
export class DeadLetterError extends Error {}

/** A reason travels in a header; a multi-kilobyte zod report would not help anyone there. */
const MAX_REASON_LENGTH = 2_000;

export function buildDeadLetterMessage(source: DeadLetterSource, failure: DeadLetterFailure, failedAt = new Date()): Message {
  const optional: IHeaders = {};
  if (source.messageId !== undefined) optional[DEAD_LETTER_HEADERS.messageId] = source.messageId;
  if (failure.errorCode !== undefined) optional[DEAD_LETTER_HEADERS.errorCode] = failure.errorCode;
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
      [DEAD_LETTER_HEADERS.reason]: failure.reason.slice(0, MAX_REASON_LENGTH),
      [DEAD_LETTER_HEADERS.failedAt]: failedAt.toISOString(),
      ...optional,
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
  const record: DeadLetterRecord = {
    originalTopic,
    originalPartition: Number(headerText(message.headers, DEAD_LETTER_HEADERS.originalPartition)),
    originalOffset: headerText(message.headers, DEAD_LETTER_HEADERS.originalOffset) ?? '',
    consumerGroup: headerText(message.headers, DEAD_LETTER_HEADERS.consumerGroup) ?? '',
    reason,
    failedAt: headerText(message.headers, DEAD_LETTER_HEADERS.failedAt) ?? '',
    key: typeof message.key === 'string' ? Buffer.from(message.key, 'utf8') : message.key,
    value: message.value,
    originalHeaders: Object.fromEntries(Object.entries(message.headers ?? {}).filter(([name]) => !DEAD_LETTER_HEADER_NAMES.has(name))),
  };
  const messageId = headerText(message.headers, DEAD_LETTER_HEADERS.messageId);
  const errorCode = headerText(message.headers, DEAD_LETTER_HEADERS.errorCode);
  if (messageId !== undefined) record.messageId = messageId;
  if (errorCode !== undefined) record.errorCode = errorCode;
  return record;
}

/**
 * The record to publish to replay a dead letter once its cause is fixed: the original topic, key
 * (hence partition), bytes and headers. The envelope id stays the same on purpose: the group that
 * refused it never recorded it in its inbox (the refusal rolled its transaction back), so it applies
 * it now; every other group that consumes the topic already has it in its inbox and skips it; and a
 * replay sent twice is applied once.
 */
export function replayOf(record: DeadLetterRecord): { topic: string; message: Message } {
  return { topic: record.originalTopic, message: { key: record.key, value: record.value, headers: record.originalHeaders } };
}
