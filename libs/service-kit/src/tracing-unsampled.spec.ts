import { activeLogFields, activeTraceHeaders, inSpan } from '@custody/messaging';
import { ROOT_CONTEXT, SpanKind } from '@opentelemetry/api';
import { InMemorySpanExporter, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base';
import { NodeTracerProvider } from '@opentelemetry/sdk-trace-node';
import { W3CTraceContextPropagator } from '@opentelemetry/core';
import { readTraceSettings } from './tracing';

// A file of its own: the tracer provider is global to the process (each test file has its own).
describe('with the sampler dropping everything', () => {
  const exporter = new InMemorySpanExporter();
  const provider = new NodeTracerProvider({ sampler: readTraceSettings('saga', {}).sampler, spanProcessors: [new SimpleSpanProcessor(exporter)] });
  beforeAll(() => provider.register({ propagator: new W3CTraceContextPropagator() }));
  afterAll(() => provider.shutdown());

  it('records nothing, yet a trace id still reaches the headers and the log line', async () => {
    const seen = await inSpan(ROOT_CONTEXT, { name: 'request', kind: SpanKind.SERVER }, async () => ({ headers: activeTraceHeaders(), log: activeLogFields() }));
    expect(exporter.getFinishedSpans()).toEqual([]);
    expect(seen.headers.traceparent).toBe(`00-${seen.log.trace_id}-${seen.log.span_id}-00`);
  });
});
