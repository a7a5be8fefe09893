import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { AlwaysOffSampler, AlwaysOnSampler, BatchSpanProcessor, ParentBasedSampler, type Sampler, TraceIdRatioBasedSampler } from '@opentelemetry/sdk-trace-base';
import { NodeTracerProvider } from '@opentelemetry/sdk-trace-node';
import { ATTR_SERVICE_NAME } from '@opentelemetry/semantic-conventions';
import { W3CTraceContextPropagator } from '@opentelemetry/core';

/**
 * A process's traces (docs/design.md "Traces and logs"), read from the standard OpenTelemetry variables:
 * - `OTEL_TRACES_EXPORTER`: `none` (default) or `otlp` (OTLP over HTTP, JSON);
 * - `OTEL_EXPORTER_OTLP_TRACES_ENDPOINT` / `OTEL_EXPORTER_OTLP_ENDPOINT`: where to (read by the exporter itself);
 * - `OTEL_TRACES_SAMPLER` (+ `OTEL_TRACES_SAMPLER_ARG` for the ratio ones): `parentbased_always_on` by default when
 *   exporting, `parentbased_always_off` otherwise;
 * - `OTEL_SERVICE_NAME`: defaults to the service's name.
 */
export interface TraceSettings {
  serviceName: string;
  exporter: 'none' | 'otlp';
  sampler: Sampler;
}

const SAMPLERS: Record<string, (ratio: number) => Sampler> = {
  always_on: () => new AlwaysOnSampler(),
  always_off: () => new AlwaysOffSampler(),
  traceidratio: (ratio) => new TraceIdRatioBasedSampler(ratio),
  parentbased_always_on: () => new ParentBasedSampler({ root: new AlwaysOnSampler() }),
  parentbased_always_off: () => new ParentBasedSampler({ root: new AlwaysOffSampler() }),
  parentbased_traceidratio: (ratio) => new ParentBasedSampler({ root: new TraceIdRatioBasedSampler(ratio) }),
};

export function readTraceSettings(serviceName: string, env: NodeJS.ProcessEnv = process.env): TraceSettings {
  const exporter = env.OTEL_TRACES_EXPORTER || 'none';
  if (exporter !== 'none' && exporter !== 'otlp') throw new Error(`OTEL_TRACES_EXPORTER must be none or otlp, not ${exporter}`);
  const samplerName = env.OTEL_TRACES_SAMPLER || (exporter === 'otlp' ? 'parentbased_always_on' : 'parentbased_always_off');
  const sampler = SAMPLERS[samplerName];
  if (!sampler) throw new Error(`OTEL_TRACES_SAMPLER must be one of ${Object.keys(SAMPLERS).join(', ')}, not ${samplerName}`);
  const ratio = env.OTEL_TRACES_SAMPLER_ARG === undefined || env.OTEL_TRACES_SAMPLER_ARG === '' ? 1 : Number(env.OTEL_TRACES_SAMPLER_ARG);
  if (!(ratio >= 0 && ratio <= 1)) throw new Error('OTEL_TRACES_SAMPLER_ARG must be a ratio between 0 and 1');
  return { serviceName: env.OTEL_SERVICE_NAME || serviceName, exporter, sampler: sampler(ratio) };
}

let installed: NodeTracerProvider | undefined;

/**
 * Installs the process's tracer provider, once, before anything is traced: the AsyncLocalStorage context manager and
 * the W3C trace-context propagator. It is installed with the exporter off as well: spans the sampler drops are not
 * recorded, but they still get real trace ids, which travel in the headers and into every log line. Returns the
 * shutdown that sends what is left.
 */
export function startTracing(serviceName: string, env: NodeJS.ProcessEnv = process.env): () => Promise<void> {
  if (installed) return () => Promise.resolve();
  const settings = readTraceSettings(serviceName, env);
  const provider = new NodeTracerProvider({
    resource: resourceFromAttributes({ [ATTR_SERVICE_NAME]: settings.serviceName }),
    sampler: settings.sampler,
    spanProcessors: settings.exporter === 'otlp' ? [new BatchSpanProcessor(new OTLPTraceExporter())] : [],
  });
  provider.register({ propagator: new W3CTraceContextPropagator() });
  installed = provider;
  return () => provider.shutdown();
}
