import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';

/**
 * What a system test may do to the stack's processes: crash one the hard way and bring it back as it
 * was. The stack is started by jest's global setup, in another process than the tests, so they reach
 * it over this small HTTP endpoint.
 */
export interface ServiceControl {
  /** Each service this stack runs, with the pid of its current process (none while it is down). */
  list(): Array<{ name: string; pid?: number; running: boolean }>;
  /** SIGKILL: no shutdown hook runs, nothing is drained or committed; resolves once the process is gone. */
  kill(name: string): Promise<void>;
  /** Starts the service again with the environment it had; resolves once it answers /health and consumes. */
  restart(name: string): Promise<void>;
}

export class UnknownServiceError extends Error {
  constructor(name: string) {
    super(`the stack runs no service ${name}`);
  }
}

/**
 * `GET /services`, `POST /services/{name}/kill`, `POST /services/{name}/restart`. Bound to 127.0.0.1
 * and only served when the stack is started for tests: it can crash the system on request.
 */
export function startControlServer(port: number, control: ServiceControl): Promise<Server> {
  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const send = (status: number, body?: unknown) => {
      res.writeHead(status, { 'content-type': 'application/json' }).end(body === undefined ? undefined : JSON.stringify(body));
    };
    const path = (req.url ?? '/').split('?')[0];
    if (req.method === 'GET' && path === '/services') return send(200, control.list());
    const action = /^\/services\/([a-z0-9-]+)\/(kill|restart)$/.exec(path);
    if (req.method !== 'POST' || !action) return send(404, { error: `no control action ${req.method} ${path}` });
    const [, name, verb] = action;
    (verb === 'kill' ? control.kill(name) : control.restart(name)).then(
      () => send(204),
      (error: unknown) => send(error instanceof UnknownServiceError ? 404 : 500, { error: error instanceof Error ? error.message : String(error) }),
    );
  });
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => resolve(server));
  });
}
