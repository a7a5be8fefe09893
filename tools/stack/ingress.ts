import { createServer, type IncomingMessage, type Server } from 'node:http';
import { createProxyServer } from 'http-proxy';

/**
 * The local stand-in for the Kubernetes Ingress (spec/api.md: one base URL, routed by path prefix to the
 * owning service). It also merges the services' OpenAPI documents into `/v1/openapi.json`.
 */
export interface IngressRoutes {
  account: string;
  transfer: string;
  saga: string;
  reconciliation: string;
}

/** Which service owns a path; the order matters (most specific first). */
export function routeFor(path: string, routes: IngressRoutes): string | undefined {
  const p = path.split('?')[0];
  if (/^\/v1\/fund-accounts\/[^/]+\/(balances|holds|statement)$/.test(p)) return routes.transfer;
  if (p.startsWith('/v1/holds/') || p === '/v1/transfers' || p.startsWith('/v1/transfers/') || p.startsWith('/v1/adjustments/')) return routes.transfer;
  if (p.startsWith('/v1/customers') || p.startsWith('/v1/fund-accounts') || p.startsWith('/v1/custody/') || p.startsWith('/v1/conversion/')) return routes.account;
  // Before the saga's prefixes: `/v1/day` would also take `/v1/days…`, never `/v1/reconciliation`, but the order keeps it plain.
  if (p === '/v1/reconciliation' || p.startsWith('/v1/reconciliation/')) return routes.reconciliation;
  if (p.startsWith('/v1/banks') || p.startsWith('/v1/day')) return routes.saga;
  return undefined;
}

interface OpenApiDoc {
  paths?: Record<string, unknown>;
  components?: { schemas?: Record<string, unknown> };
}

async function mergedOpenApi(routes: IngressRoutes): Promise<object> {
  const docs = await Promise.all(
    Object.values(routes).map(async (base) => (await (await fetch(`${base}/v1/openapi.json`)).json()) as OpenApiDoc),
  );
  return {
    openapi: '3.0.0',
    info: { title: 'Custody hub public API', version: '1' },
    components: {
      securitySchemes: { bearer: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT' } },
      schemas: Object.assign({}, ...docs.map((d) => d.components?.schemas ?? {})),
    },
    security: [{ bearer: [] }],
    paths: Object.assign({}, ...docs.map((d) => d.paths ?? {})),
  };
}

export function startIngress(port: number, routes: IngressRoutes): Promise<Server> {
  // A new connection to the service per request: a kept one to a service that was restarted meanwhile fails the
  // request that reuses it (502; seen in CI after a system test restarted the saga), and http-proxy does not retry.
  const proxy = createProxyServer({ xfwd: true, proxyTimeout: 60_000 });
  proxy.on('error', (_err, _req, res) => {
    if ('writeHead' in res && !res.headersSent) {
      res.writeHead(502, { 'content-type': 'application/problem+json' });
      res.end(JSON.stringify({ type: 'about:blank', title: 'Service unavailable', status: 502, code: 'INTERNAL', detail: 'the owning service did not answer' }));
    }
  });
  const server = createServer((req: IncomingMessage, res) => {
    const url = req.url ?? '/';
    if (url === '/v1/openapi.json') {
      mergedOpenApi(routes)
        .then((doc) => res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(doc)))
        .catch(() => res.writeHead(502).end());
      return;
    }
    if (url === '/health') {
      res.writeHead(200, { 'content-type': 'application/json' }).end('{"status":"ok"}');
      return;
    }
    const target = routeFor(url, routes);
    if (!target) {
      res.writeHead(404, { 'content-type': 'application/problem+json' });
      res.end(JSON.stringify({ type: 'about:blank', title: 'Not found', status: 404, code: 'NOT_FOUND', detail: `no service serves ${url.split('?')[0]}` }));
      return;
    }
    proxy.web(req, res, { target });
  });
  // A client's idle keep-alive connection outlives a pause between its requests: closed at 5 s (Node's default) it is
  // often closed just as the client reuses it, and the request fails on the socket.
  server.keepAliveTimeout = 65_000;
  server.headersTimeout = 66_000;
  // A busy port must reject, not crash the launcher and orphan the services it started.
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => resolve(server));
  });
}
