import { context, createContextKey, isSpanContextValid, propagation, ROOT_CONTEXT, SpanKind, SpanStatusCode, trace, type Attributes, type Context, type Span } from '@opentelemetry/api';
import type { IHeaders } from 'kafkajs';

/**
 * How one flow's trace crosses Kafka (docs/design.md "Traces and logs"): the producer writes the active context
 * into the message's headers (W3C `traceparent`, `tracestate`), the consumer continues it in a span per message.
 * Only the OpenTelemetry API is used here: without a tracer provider installed (tests of this library, tools) every
 * call is a no-op and no header is written.
 */

const TRACER = 'custody.messaging';
const CORRELATION_ID = createContextKey('custody.correlation-id');

/** The W3C headers of the active context (none when nothing is traced), as stored with an outbox row or sent with a message. */
export function activeTraceHeaders(): Record<string, string> {
  const carrier: Record<string, string> = {};
  propagation.inject(context.active(), carrier);
  return carrier;
}

/** The context a message's headers carry; kafkajs gives header values as buffers (or arrays of them). */
export function contextOfHeaders(headers: IHeaders | undefined): Context {
  if (!headers) return ROOT_CONTEXT;
  const carrier: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) {
    const first = Array.isArray(value) ? value[0] : value;
    if (first !== undefined) carrier[name] = first.toString();
  }
  return propagation.extract(ROOT_CONTEXT, carrier);
}

/** The flow a log line belongs to: the message's correlation id, or the request's id at an HTTP edge. */
export function activeCorrelationId(): string | undefined {
  return context.active().getValue(CORRELATION_ID) as string | undefined;
}

export function withCorrelationId(parent: Context, correlationId: string): Context {
  return parent.setValue(CORRELATION_ID, correlationId);
}

/**
 * What every line logged inside a request or a message carries (pino's `mixin`, and the messaging code's own
 * console logger): the trace and span ids of the active span and the flow's correlation id, so that one transfer's
 * lines are found across every service.
 */
export function activeLogFields(): Record<string, string> {
  const fields: Record<string, string> = {};
  const spanContext = trace.getActiveSpan()?.spanContext();
  if (spanContext && isSpanContextValid(spanContext)) {
    fields.trace_id = spanContext.traceId;
    fields.span_id = spanContext.spanId;
  }
  const correlationId = activeCorrelationId();
  if (correlationId !== undefined) fields.correlationId = correlationId;
  return fields;
}

/**
 * The context a consumer keeps while it brings one message to its end — its retries, its dead-lettering, a duplicate
 * skipped — so that those lines name the message's trace and flow as its handler's lines do.
 */
export function messageContext(headers: IHeaders | undefined, correlationId: string | undefined): Context {
  const remote = contextOfHeaders(headers);
  return correlationId === undefined ? remote : withCorrelationId(remote, correlationId);
}

export interface TracedWork {
  name: string;
  kind: SpanKind;
  /** Ids and codes only: never a name, an ID number, a password or a PIN block. */
  attributes?: Attributes;
  correlationId?: string;
}

/**
 * Runs `work` in a new span, child of `parent`, with the span (and the correlation id) active for everything it
 * awaits: the outbox rows it writes carry the span on. A thrown error marks the span failed and is rethrown.
 */
export async function inSpan<T>(parent: Context, what: TracedWork, work: (span: Span) => Promise<T>): Promise<T> {
  const span = trace.getTracer(TRACER).startSpan(what.name, { kind: what.kind, attributes: what.attributes }, parent);
  let active = trace.setSpan(parent, span);
  if (what.correlationId !== undefined) active = withCorrelationId(active, what.correlationId);
  try {
    return await context.with(active, () => work(span));
  } catch (error) {
    span.setStatus({ code: SpanStatusCode.ERROR, message: error instanceof Error ? error.name : 'error' });
    throw error;
  } finally {
    span.end();
  }
}

/** Applies one consumed message inside a consumer span continuing the trace of its headers. */
export function inMessageSpan<T>(
  message: { topic: string; headers?: IHeaders; messageId: string; correlationId: string },
  work: () => Promise<T>,
): Promise<T> {
  return inSpan(
    contextOfHeaders(message.headers),
    {
      name: `${message.topic} process`,
      kind: SpanKind.CONSUMER,
      attributes: { 'messaging.system': 'kafka', 'messaging.destination.name': message.topic, 'messaging.message.id': message.messageId },
      correlationId: message.correlationId,
    },
    () => work(),
  );
}
