import { activeCorrelationId, activeLogFields, activeTraceHeaders, consoleLogger, contextOfHeaders, inMessageSpan, inSpan, messageContext } from '@custody/messaging';
import { context, ROOT_CONTEXT, SpanKind, trace } from '@opentelemetry/api';
import { InMemorySpanExporter, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base';
import { NodeTracerProvider } from '@opentelemetry/sdk-trace-node';
import { W3CTraceContextPropagator } from '@opentelemetry/core';
import { withIncomingContext } from './http-tracing';
import { readTraceSettings } from './tracing';

describe('trace settings from the standard OpenTelemetry variables', () => {
  it('exports nothing and samples nothing by default', () => {
    const settings = readTraceSettings('saga', {});
    expect(settings).toMatchObject({ serviceName: 'saga', exporter: 'none' });
    expect(settings.sampler.toString()).toContain('AlwaysOffSampler');
  });

  it('samples what the parent sampled (else everything) when exporting over OTLP, under OTEL_SERVICE_NAME if given', () => {
    const settings = readTraceSettings('saga', { OTEL_TRACES_EXPORTER: 'otlp', OTEL_SERVICE_NAME: 'saga-eu' });
    expect(settings).toMatchObject({ serviceName: 'saga-eu', exporter: 'otlp' });
    expect(settings.sampler.toString()).toBe('ParentBased{root=AlwaysOnSampler, remoteParentSampled=AlwaysOnSampler, remoteParentNotSampled=AlwaysOffSampler, localParentSampled=AlwaysOnSampler, localParentNotSampled=AlwaysOffSampler}');
  });

  it('refuses an exporter, a sampler or a ratio it does not know', () => {
    expect(() => readTraceSettings('saga', { OTEL_TRACES_EXPORTER: 'zipkin' })).toThrow(/none or otlp/);
    expect(() => readTraceSettings('saga', { OTEL_TRACES_SAMPLER: 'sometimes' })).toThrow(/OTEL_TRACES_SAMPLER/);
    expect(() => readTraceSettings('saga', { OTEL_TRACES_SAMPLER: 'traceidratio', OTEL_TRACES_SAMPLER_ARG: '2' })).toThrow(/ratio/);
  });
});

describe('a trace across a message, and the log fields it gives', () => {
  const exporter = new InMemorySpanExporter();
  const provider = new NodeTracerProvider({ spanProcessors: [new SimpleSpanProcessor(exporter)] });
  beforeAll(() => provider.register({ propagator: new W3CTraceContextPropagator() }));
  afterAll(() => provider.shutdown());
  beforeEach(() => exporter.reset());

  it('the consumer span of a message continues the producer trace its headers carry, and logs inside it carry trace, span and correlation id', async () => {
    const producer = trace.getTracer('test').startSpan('request');
    const headers = context.with(trace.setSpan(ROOT_CONTEXT, producer), () => activeTraceHeaders());
    producer.end();
    expect(headers.traceparent).toMatch(new RegExp(`^00-${producer.spanContext().traceId}-${producer.spanContext().spanId}-01$`));

    const kafkaHeaders = { traceparent: Buffer.from(headers.traceparent!), 'message-id': Buffer.from('m-1') };
    const fields = await inMessageSpan({ topic: 'custody.internal.transfer.requested.1', headers: kafkaHeaders, messageId: 'm-1', correlationId: 'flow-7' }, async () => activeLogFields());

    const consumer = exporter.getFinishedSpans().find((s) => s.name.endsWith('process'))!;
    expect(consumer.spanContext().traceId).toBe(producer.spanContext().traceId);
    expect(consumer.parentSpanContext?.spanId).toBe(producer.spanContext().spanId);
    expect(fields).toEqual({ trace_id: producer.spanContext().traceId, span_id: consumer.spanContext().spanId, correlationId: 'flow-7' });
  });

  it('what a consumer logs about a message outside its handler (a retry, a dead letter) names the message\'s trace and flow, through the console logger too', () => {
    const traceId = '4bf92f3577b34da6a3ce929d0e0e4736';
    const kafkaHeaders = { traceparent: Buffer.from(`00-${traceId}-00f067aa0ba902b7-01`) };
    const written = jest.spyOn(console, 'warn').mockImplementation(() => undefined);
    try {
      context.with(messageContext(kafkaHeaders, 'flow-9'), () => consoleLogger.warn({ messageId: 'm-9', attempt: 2 }, 'attempt failed; retrying'));
      expect(JSON.parse(written.mock.calls[0]![0] as string)).toMatchObject({ msg: 'attempt failed; retrying', messageId: 'm-9', trace_id: traceId, correlationId: 'flow-9' });
    } finally {
      written.mockRestore();
    }
  });

  it('a message without trace headers starts a trace of its own; outside any span a log line has no trace fields', async () => {
    const fields = await inSpan(contextOfHeaders(undefined), { name: 'work', kind: SpanKind.INTERNAL }, async () => ({ log: activeLogFields(), correlation: activeCorrelationId() }));
    expect(fields.log.trace_id).toMatch(/^[0-9a-f]{32}$/);
    expect(fields.correlation).toBeUndefined();
    expect(activeLogFields()).toEqual({});
  });

  it('an incoming gRPC call continues the caller\'s traceparent from its metadata in a server span, with the correlation id on the log lines', async () => {
    const traceId = '0af7651916cd43dd8448eb211c80319c';
    const fields = await withIncomingContext({ traceparent: `00-${traceId}-b7ad6b7169203331-01`, 'user-agent': 'grpc-node' }, 'custody.transfer.v1.Transfers/CreateTransfer', async () => activeLogFields(), 'req-1');
    expect(fields).toMatchObject({ trace_id: traceId, correlationId: 'req-1' });
    const span = exporter.getFinishedSpans().find((s) => s.name === 'custody.transfer.v1.Transfers/CreateTransfer')!;
    expect(span.kind).toBe(SpanKind.SERVER);
    expect(span.parentSpanContext?.spanId).toBe('b7ad6b7169203331');
  });

  it('marks the span failed, by the error name only (a message could quote a secret), and rethrows', async () => {
    await expect(inSpan(ROOT_CONTEXT, { name: 'work', kind: SpanKind.INTERNAL }, async () => Promise.reject(new TypeError('password 123456 wrong')))).rejects.toThrow(TypeError);
    expect(exporter.getFinishedSpans()[0]!.status).toEqual({ code: 2, message: 'TypeError' });
  });
});
