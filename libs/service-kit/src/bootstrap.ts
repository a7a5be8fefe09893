import { BadRequestException, type DynamicModule, type INestApplication, Logger as NestLogger, ValidationPipe, type Type } from '@nestjs/common';
import { NestFactory, Reflector } from '@nestjs/core';
import { DocumentBuilder, SwaggerModule, type OpenAPIObject } from '@nestjs/swagger';
import { Logger } from 'nestjs-pino';
import type { Server } from 'node:http';
import type { ValidationError } from 'class-validator';
import type { Registry } from 'prom-client';
import { RoleGuard } from './auth';
import type { TokenVerifier } from './bearer-tokens';
import { serveMetrics } from './metrics';
import { ProblemFilter } from './problem.filter';

function describe(errors: ValidationError[], parent = ''): string[] {
  return errors.flatMap((e) => {
    const path = parent ? `${parent}.${e.property}` : e.property;
    const own = Object.values(e.constraints ?? {}).map((m) => `${path}: ${m}`);
    return [...own, ...describe(e.children ?? [], path)];
  });
}

/** Refuses unknown properties and reports every defect at once, as VALIDATION_FAILED. */
export function validationPipe(): ValidationPipe {
  return new ValidationPipe({
    whitelist: true,
    forbidNonWhitelisted: true,
    transform: true,
    exceptionFactory: (errors) => new BadRequestException(describe(errors)),
  });
}

let sharedPipe: ValidationPipe | undefined;

/** What `validationPipe` makes of a body or query, for an edge other than HTTP (gRPC) that must refuse the same defects the same way. */
export function validatedAs<T>(metatype: Type<T>, value: object, type: 'body' | 'query' = 'body'): Promise<T> {
  sharedPipe ??= validationPipe();
  return sharedPipe.transform(value, { type, metatype }) as Promise<T>;
}

/**
 * Where the service's edges listen (HTTP and gRPC alike): the loopback interface unless `LISTEN_HOST` says otherwise.
 * On one machine nothing else should reach a service but through the ingress; in a pod, the kubelet's probes, the
 * Service and Prometheus come from outside the container, so the manifests set `LISTEN_HOST=0.0.0.0` (deploy/).
 */
export function listenHost(): string {
  return process.env.LISTEN_HOST || '127.0.0.1';
}

export interface HttpServiceOptions {
  name: string;
  port: number;
  /** Whose bearer tokens this edge believes, and for which roles. */
  tokenVerifier: TokenVerifier;
  /** The process's metrics, served at `GET /metrics` (metrics.ts). */
  metrics?: Registry;
  /** Extra setup before listening, e.g. starting consumers. */
  host?: string;
}

export function openApiDocument(app: INestApplication, title: string): OpenAPIObject {
  const config = new DocumentBuilder().setTitle(title).setVersion('1').addBearerAuth().build();
  return SwaggerModule.createDocument(app, config);
}

/**
 * Callers keep connections open (the ingress's pool, test and load clients, issue 9). An idle connection outlives a
 * pause between bursts (65 s, longer than a cloud load balancer's usual 60 s): with Node's default of 5 s, a client
 * whose own idle timer runs late under load reuses a connection the server is closing, and its request fails with
 * "other side closed" (seen in the fault run at 300 transfers/s offered).
 */
export function keepIdleConnections(server: Server): void {
  server.keepAliveTimeout = 65_000;
  server.headersTimeout = 66_000;
}

/**
 * No `ETag` on any response: no client of ours revalidates (api.md has no conditional request), and express would
 * hash every JSON body it sends for one (a SHA-1 per response on the hot path, issue 9).
 */
export function withoutEtags(app: INestApplication): void {
  (app.getHttpAdapter().getInstance() as { set(setting: string, value: unknown): void }).set('etag', false);
}

/** Creates and starts one service's HTTP edge with the conventions every service shares. */
export async function startHttpService(module: Type<unknown> | DynamicModule, options: HttpServiceOptions): Promise<INestApplication> {
  const app = await NestFactory.create(module, { bufferLogs: true });
  app.useLogger(app.get(Logger));
  app.useGlobalPipes(validationPipe());
  app.useGlobalFilters(new ProblemFilter());
  app.useGlobalGuards(new RoleGuard(app.get(Reflector), options.tokenVerifier));
  app.enableShutdownHooks();
  const document = openApiDocument(app, `custody ${options.name}`);
  app.getHttpAdapter().get('/v1/openapi.json', (_req: unknown, res: { json: (b: unknown) => void }) => res.json(document));
  if (options.metrics) serveMetrics(app, options.metrics);
  keepIdleConnections(app.getHttpServer() as Server);
  withoutEtags(app);
  const host = options.host ?? listenHost();
  await app.listen(options.port, host);
  new NestLogger(options.name).log(`${options.name} listening on ${host}:${options.port}`);
  return app;
}
