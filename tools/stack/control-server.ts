import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { gunzipSync } from 'node:zlib';
import type { SpanStore } from './span-receiver';

/**
 * What a system test may do to the stack's processes: crash one the hard way and bring it back as it
 * was. The stack is started by jest's global setup, in another process than the tests, so they reach
 * it over this small HTTP endpoint.
 */
export interface ServiceControl {
  /** Each process this stack runs (services and their extra replicas), with its pid (none while it is down). */
  list(): Array<{ name: string; pid?: number; running: boolean }>;
  /** SIGKILL: no shutdown hook runs, nothing is drained or committed; resolves once the process is gone. */
  kill(name: string): Promise<void>;
  /**
   * Starts the service again with the environment it had; resolves once it answers /health and consumes.
   * `clockSkewMs` runs its wall clock that far ahead (negative: behind) of the host's (skewed-clock.js).
   */
  restart(name: string, options?: ProcessOptions): Promise<void>;
  /** SIGTERM, as a rolling deploy stops a pod: the service drains and signs off; resolves once it exited. */
  stop(name: string): Promise<void>;
  /** SIGSTOP: the process freezes mid-work (a long GC pause, a stalled VM), its connections left open. */
  pause(name: string): Promise<void>;
  /** SIGCONT: a paused process runs on from where it stopped. */
  resume(name: string): Promise<void>;
  /** Starts one more replica of a service (a scale-up, the new pod of a rolling deploy); resolves with its name once healthy. */
  addReplica(name: string, options?: ProcessOptions): Promise<string>;
}

export interface ProcessOptions {
  clockSkewMs?: number;
}

export class UnknownServiceError extends Error {
  constructor(name: string) {
    super(`the stack runs no service ${name}`);
  }
}

/**
 * `GET /services`; `POST /services/{name}/{kill|restart|stop|pause|resume|replicas}` with an optional JSON
 * body `{ clockSkewMs }` (restart, replicas). Bound to 127.0.0.1 and only served when the stack is started
 * for tests: it can crash the system on request.
 *
 * With `spans`, it is also the services' trace collector: `POST /v1/traces` (OTLP/HTTP JSON, what the services'
 * exporter sends) and `GET /traces/{traceId}` (the spans received for one trace, span-receiver.ts).
 */
export function startControlServer(port: number, control: ServiceControl, spans?: SpanStore): Promise<Server> {
  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const send = (status: number, body?: unknown) => {
      res.writeHead(status, { 'content-type': 'application/json' }).end(body === undefined ? undefined : JSON.stringify(body));
    };
    const path = (req.url ?? '/').split('?')[0];
    if (req.method === 'GET' && path === '/services') return send(200, control.list());
    if (spans && req.method === 'POST' && path === '/v1/traces') {
      readBody(req)
        .then((body) => spans.receive(JSON.parse(body.toString('utf8')) as Parameters<SpanStore['receive']>[0]))
        .then(
          () => send(200, {}),
          () => send(400, { error: 'not an OTLP/JSON export' }),
        );
      return;
    }
    const traced = /^\/traces\/([0-9a-f]{32})$/.exec(path);
    if (spans && req.method === 'GET' && traced) return send(200, spans.trace(traced[1]));
    const action = /^\/services\/([a-z0-9-]+)\/(kill|restart|stop|pause|resume|replicas)$/.exec(path);
    if (req.method !== 'POST' || !action) return send(404, { error: `no control action ${req.method} ${path}` });
    const [, name, verb] = action;
    readOptions(req).then(
      (options) => perform(control, name, verb, options),
    ).then(
      (replica) => (replica === undefined ? send(204) : send(201, { name: replica })),
      (error: unknown) => send(error instanceof UnknownServiceError ? 404 : error instanceof BadControlRequest ? 400 : 500, { error: error instanceof Error ? error.message : String(error) }),
    );
  });
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => resolve(server));
  });
}

class BadControlRequest extends Error {}

function perform(control: ServiceControl, name: string, verb: string, options: ProcessOptions): Promise<string | void> {
  switch (verb) {
    case 'kill':
      return control.kill(name);
    case 'restart':
      return control.restart(name, options);
    case 'stop':
      return control.stop(name);
    case 'pause':
      return control.pause(name);
    case 'resume':
      return control.resume(name);
    default:
      return control.addReplica(name, options);
  }
}

async function readBody(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  const body = Buffer.concat(chunks);
  return req.headers['content-encoding'] === 'gzip' ? gunzipSync(body) : body;
}

async function readOptions(req: IncomingMessage): Promise<ProcessOptions> {
  let raw = '';
  for await (const chunk of req) raw += String(chunk);
  if (raw.trim() === '') return {};
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw);
  } catch {
    throw new BadControlRequest('the body is not JSON');
  }
  const skew = (parsed as { clockSkewMs?: unknown }).clockSkewMs;
  if (skew !== undefined && !Number.isInteger(skew)) throw new BadControlRequest('clockSkewMs must be a whole number of milliseconds');
  return skew === undefined ? {} : { clockSkewMs: skew as number };
}
