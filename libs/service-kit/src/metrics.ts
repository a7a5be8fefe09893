import type { INestApplication } from '@nestjs/common';
import { collectDefaultMetrics, Registry } from 'prom-client';

/** Labels every metric of a process carries: which service, and for a bank adapter which bank. */
export interface ProcessLabels {
  service: string;
  bank?: string;
}

/**
 * The one registry of a process (docs/design.md "Metrics"), with Node's own process metrics (CPU, memory, event-loop
 * lag, GC, handles) and the process's labels on every series. Domain metrics are registered on it by the apps; nothing
 * here knows them.
 */
export function createMetricsRegistry(labels: ProcessLabels): Registry {
  const registry = new Registry();
  registry.setDefaultLabels({ ...labels });
  collectDefaultMetrics({ register: registry });
  return registry;
}

interface MetricsResponse {
  setHeader(name: string, value: string): void;
  status(code: number): MetricsResponse;
  send(body: string): void;
}

/**
 * `GET /metrics` in Prometheus's text format, on the service's own HTTP port. Outside Nest's routing, as
 * `/v1/openapi.json` is: no bearer token (like `/health`, a scraper holds none, and no series names a customer),
 * and no request log line per scrape. A collector that fails (the database away) answers 500 rather than a partial page.
 */
export function serveMetrics(app: INestApplication, registry: Registry): void {
  app.getHttpAdapter().get('/metrics', (_req: unknown, res: MetricsResponse) => {
    registry.metrics().then(
      (text) => {
        res.setHeader('Content-Type', registry.contentType);
        res.send(text);
      },
      (error: unknown) => res.status(500).send(`metrics unavailable: ${error instanceof Error ? error.message : String(error)}`),
    );
  });
}
