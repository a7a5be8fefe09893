/**
 * The test stack's stand-in for a trace collector (docs/design.md "Traces and logs"): the services export OTLP/HTTP
 * JSON to the control server, which keeps the spans in memory for a system test to read by trace id. The services
 * sample only what a caller marked sampled (`parentbased_always_off`), so the store holds only the tests' own traces.
 */
export interface ReceivedSpan {
  traceId: string;
  spanId: string;
  parentSpanId?: string;
  name: string;
  /** OTLP's span kind number (2 server, 3 client, 5 consumer). */
  kind: number;
  service: string;
  attributes: Record<string, string | number | boolean>;
}

interface OtlpAnyValue {
  stringValue?: string;
  intValue?: number | string;
  doubleValue?: number;
  boolValue?: boolean;
}
interface OtlpKeyValue {
  key: string;
  value?: OtlpAnyValue;
}
interface OtlpSpan {
  traceId: string;
  spanId: string;
  parentSpanId?: string;
  name: string;
  kind?: number;
  attributes?: OtlpKeyValue[];
}
interface OtlpExport {
  resourceSpans?: Array<{ resource?: { attributes?: OtlpKeyValue[] }; scopeSpans?: Array<{ spans?: OtlpSpan[] }> }>;
}

function valueOf(value: OtlpAnyValue | undefined): string | number | boolean {
  if (!value) return '';
  if (value.stringValue !== undefined) return value.stringValue;
  if (value.intValue !== undefined) return Number(value.intValue);
  if (value.doubleValue !== undefined) return value.doubleValue;
  return value.boolValue ?? '';
}

function attributesOf(list: OtlpKeyValue[] | undefined): Record<string, string | number | boolean> {
  return Object.fromEntries((list ?? []).map((kv) => [kv.key, valueOf(kv.value)]));
}

/** The spans of one OTLP/JSON export request (ids in hex, as the JSON encoding has them). */
export function spansOfExport(body: OtlpExport): ReceivedSpan[] {
  return (body.resourceSpans ?? []).flatMap((resourceSpans) => {
    const service = String(attributesOf(resourceSpans.resource?.attributes)['service.name'] ?? 'unknown');
    return (resourceSpans.scopeSpans ?? []).flatMap((scope) =>
      (scope.spans ?? []).map((span) => ({
        traceId: span.traceId,
        spanId: span.spanId,
        ...(span.parentSpanId ? { parentSpanId: span.parentSpanId } : {}),
        name: span.name,
        kind: span.kind ?? 0,
        service,
        attributes: attributesOf(span.attributes),
      })),
    );
  });
}

/** Spans by trace id; the oldest traces are forgotten beyond `maxTraces`, so a long run cannot grow it without bound. */
export class SpanStore {
  private readonly traces = new Map<string, ReceivedSpan[]>();

  constructor(private readonly maxTraces = 1000) {}

  receive(body: OtlpExport): void {
    for (const span of spansOfExport(body)) {
      const spans = this.traces.get(span.traceId) ?? [];
      if (spans.length === 0) this.traces.set(span.traceId, spans);
      spans.push(span);
    }
    for (const oldest of this.traces.keys()) {
      if (this.traces.size <= this.maxTraces) break;
      this.traces.delete(oldest);
    }
  }

  trace(traceId: string): ReceivedSpan[] {
    return this.traces.get(traceId) ?? [];
  }
}
