import { Logger } from '@nestjs/common';
import { Server, ServerCredentials, type ServiceDefinition, type UntypedServiceImplementation } from '@grpc/grpc-js';
import { listenHost } from '../bootstrap';

/** The environment setting of the port a service serves gRPC on; 0 takes any free port (a local replica's). */
export const GRPC_PORT_ENV = 'GRPC_PORT';

export function readGrpcPort(defaultPort: number, env: NodeJS.ProcessEnv = process.env): number {
  const raw = env[GRPC_PORT_ENV];
  if (raw === undefined || raw === '') return defaultPort;
  if (!/^\d{1,5}$/.test(raw) || Number(raw) > 65_535) throw new Error(`${GRPC_PORT_ENV} must be a port number (0 for any free port), not "${raw}"`);
  return Number(raw);
}

/**
 * How long a stop waits for calls in flight (a CreateTransfer waits up to its wait_ms, at most 30 s) before it cuts
 * them: inside Kubernetes' default 30 s grace, with the HTTP server and the pool still to close. A cut caller
 * loses nothing: its transfer goes on, and GetTransfer reads it.
 */
const SHUTDOWN_GRACE_MS = 10_000;

export interface GrpcServiceBinding {
  definition: ServiceDefinition;
  implementation: UntypedServiceImplementation;
}

/** A service's gRPC edge, started and stopped with the service (a worker of runDatabaseService). */
export class GrpcEdgeServer {
  private readonly logger = new Logger(GrpcEdgeServer.name);
  private readonly server = new Server();

  constructor(
    private readonly port: number,
    services: readonly GrpcServiceBinding[],
  ) {
    for (const s of services) this.server.addService(s.definition, s.implementation);
  }

  /** As a worker of runDatabaseService. */
  async start(): Promise<void> {
    await this.listen();
  }

  /** Starts it, resolving with the port it listens on (the configured one, or the one taken for 0). */
  async listen(): Promise<number> {
    const port = await new Promise<number>((done, fail) =>
      this.server.bindAsync(`${listenHost()}:${this.port}`, ServerCredentials.createInsecure(), (error, port) => (error ? fail(error) : done(port))),
    );
    this.logger.log(`gRPC listening on ${listenHost()}:${port}`);
    return port;
  }

  /** Refuses new calls and lets those in flight finish, for SHUTDOWN_GRACE_MS at most. */
  async stop(): Promise<void> {
    let grace: NodeJS.Timeout | undefined;
    await Promise.race([
      new Promise<void>((done) => this.server.tryShutdown(() => done())),
      new Promise<void>((done) => {
        grace = setTimeout(() => {
          this.logger.warn(`gRPC calls still in flight after ${SHUTDOWN_GRACE_MS} ms: cut`);
          this.server.forceShutdown();
          done();
        }, SHUTDOWN_GRACE_MS);
      }),
    ]);
    clearTimeout(grace);
  }
}
