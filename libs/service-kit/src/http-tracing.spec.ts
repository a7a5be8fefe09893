import { activeLogFields } from '@custody/messaging';
import { EventEmitter } from 'node:events';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { trace } from '@opentelemetry/api';
import { W3CTraceContextPropagator } from '@opentelemetry/core';
import { InMemorySpanExporter, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base';
import { NodeTracerProvider } from '@opentelemetry/sdk-trace-node';
import { requestIdOf, requestTraceFields, traceHttpRequest } from './http-tracing';

describe('the span of an HTTP request', () => {
  const exporter = new InMemorySpanExporter();
  const provider = new NodeTracerProvider({ spanProcessors: [new SimpleSpanProcessor(exporter)] });
  beforeAll(() => provider.register({ propagator: new W3CTraceContextPropagator() }));
  afterAll(() => provider.shutdown());
  beforeEach(() => exporter.reset());

  const request = (url: string, headers: Record<string, string> = {}) =>
    Object.assign(new EventEmitter(), { url, method: 'GET', headers, id: 'req-9' }) as unknown as IncomingMessage & { route?: { path: string } };
  const response = () => Object.assign(new EventEmitter(), { statusCode: 200 }) as unknown as ServerResponse;

  it('continues the caller\'s traceparent, is active in the handler with the request id, and is named by the route once answered; the query stays out', () => {
    const req = request('/v1/fund-accounts/100000000001/balances?currency=CNY', { traceparent: '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01' });
    const res = response();
    let inHandler: Record<string, string> = {};
    traceHttpRequest(req, res, () => (inHandler = activeLogFields()));
    req.route = { path: '/v1/fund-accounts/:fundAccountNo/balances' };
    res.emit('finish');

    const [span] = exporter.getFinishedSpans();
    expect(span!.name).toBe('GET /v1/fund-accounts/:fundAccountNo/balances');
    expect(span!.parentSpanContext?.spanId).toBe('b7ad6b7169203331');
    expect(span!.attributes).toMatchObject({ 'url.path': '/v1/fund-accounts/100000000001/balances', 'http.response.status_code': 200 });
    expect(JSON.stringify(span!.attributes)).not.toContain('currency');
    expect(inHandler).toEqual({ trace_id: '0af7651916cd43dd8448eb211c80319c', span_id: span!.spanContext().spanId, correlationId: 'req-9' });
    expect(requestTraceFields(req)).toEqual({ trace_id: '0af7651916cd43dd8448eb211c80319c', span_id: span!.spanContext().spanId });
  });

  it('makes no span for a health probe', () => {
    let active: unknown = 'not called';
    traceHttpRequest(request('/health'), response(), () => (active = trace.getActiveSpan()));
    expect(active).toBeUndefined();
    expect(exporter.getFinishedSpans()).toEqual([]);
  });

  it('takes the caller\'s x-request-id as the request id only when it looks like one', () => {
    expect(requestIdOf(request('/', { 'x-request-id': 'abc-123' }))).toBe('abc-123');
    expect(requestIdOf(request('/', { 'x-request-id': 'a b "c"' }))).toMatch(/^[0-9a-f-]{36}$/);
  });
});
