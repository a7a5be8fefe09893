import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { Module, type MiddlewareConsumer, type NestModule, RequestMethod } from '@nestjs/common';
import { inSpan, withCorrelationId } from '@custody/messaging';
import { context, propagation, ROOT_CONTEXT, SpanKind, SpanStatusCode, trace, type Span } from '@opentelemetry/api';

const TRACER = 'custody.http';
/** A caller's request id is taken for the correlation id only if it looks like one (it goes into every log line). */
const REQUEST_ID = /^[A-Za-z0-9._:-]{1,64}$/;

/** The id of an HTTP request: the caller's `x-request-id` when it gives a plausible one, else a new one. */
export function requestIdOf(req: IncomingMessage): string {
  const given = req.headers['x-request-id'];
  return typeof given === 'string' && REQUEST_ID.test(given) ? given : randomUUID();
}

interface TracedRequest extends IncomingMessage {
  route?: { path?: string };
  /** The request's span, for its last log line (written when the response is finished, outside the span's context). */
  traceSpan?: Span;
}

/**
 * The server span of one HTTP request, continuing the caller's `traceparent` if it sent one, active (with the
 * request's id as correlation id) for everything the handler does. Only the method, the path (never the query, which
 * may hold an account's details) and the status go into it.
 */
export function traceHttpRequest(req: TracedRequest, res: ServerResponse, next: () => void): void {
  const path = (req.url ?? '/').split('?')[0];
  // A probe is not work: a span per probe would be most of an idle service's traces.
  if (path === '/health' || path.startsWith('/health/')) return next();
  const method = req.method ?? 'GET';
  const span = trace.getTracer(TRACER).startSpan(
    `${method} ${path}`,
    { kind: SpanKind.SERVER, attributes: { 'http.request.method': method, 'url.path': path } },
    propagation.extract(ROOT_CONTEXT, req.headers),
  );
  req.traceSpan = span;
  res.once('finish', () => {
    // The route's template names the span once known: one name for every account, not one per account number.
    if (req.route?.path) span.updateName(`${method} ${req.route.path}`).setAttribute('http.route', req.route.path);
    span.setAttribute('http.response.status_code', res.statusCode);
    if (res.statusCode >= 500) span.setStatus({ code: SpanStatusCode.ERROR });
    span.end();
  });
  // pino-http has given the request its id (`genReqId`) by now.
  const correlationId = typeof req.id === 'string' ? req.id : requestIdOf(req);
  context.with(withCorrelationId(trace.setSpan(context.active(), span), correlationId), next);
}

/**
 * For any other server edge (the gRPC one): runs `work` in a server span continuing the caller's `traceparent` from
 * `carrier` (gRPC: `call.metadata.getMap()`), with `correlationId` for the log lines. `name` is the method (e.g.
 * `custody.transfer.v1.Transfers/CreateTransfer`); attributes are the caller's to add, never a secret.
 */
export function withIncomingContext<T>(carrier: Record<string, unknown>, name: string, work: (span: Span) => Promise<T>, correlationId: string = randomUUID()): Promise<T> {
  const headers: Record<string, string> = {};
  for (const [key, value] of Object.entries(carrier)) if (typeof value === 'string' || Buffer.isBuffer(value)) headers[key.toLowerCase()] = value.toString();
  return inSpan(propagation.extract(ROOT_CONTEXT, headers), { name, kind: SpanKind.SERVER, correlationId }, work);
}

/** The trace fields of a request's last log line (see `traceSpan`). */
export function requestTraceFields(req: IncomingMessage): Record<string, string> {
  const span = (req as TracedRequest).traceSpan;
  if (!span) return {};
  const { traceId, spanId } = span.spanContext();
  return { trace_id: traceId, span_id: spanId };
}

/** Registers the request span for every route; imported with the service's logging (`loggingModule`). */
@Module({})
export class HttpTracingModule implements NestModule {
  configure(consumer: MiddlewareConsumer): void {
    consumer.apply(traceHttpRequest).forRoutes({ path: '*', method: RequestMethod.ALL });
  }
}
