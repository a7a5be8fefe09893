import { LoggerModule } from 'nestjs-pino';
import { levels } from 'pino';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { DynamicModule } from '@nestjs/common';
import { activeLogFields } from '@custody/messaging';
import { HttpTracingModule, requestIdOf, requestTraceFields } from './http-tracing';

/**
 * Structured JSON logs (pino). Passwords, PIN blocks, ID numbers, names, tokens and sealed secrets are redacted
 * wherever they appear in a logged object (domain.md §14; they must never reach a log).
 */
export const REDACTED_PATHS = [
  'req.headers.authorization',
  ...['password', 'bankPassword', 'fundPassword', 'idNumber', 'pinBlock', 'exchangeKey', 'customerName', 'accountName', 'holderName'].flatMap((key) => [key, `*.${key}`, `*.*.${key}`]),
  // A customer's or an account holder's name; not every `name` (an error's, a bank's are wanted in the log).
  'customer.name',
  '*.customer.name',
  'payload.name',
  '*.payload.name',
  '*.*.sealed',
];

/**
 * The level of a request's own line (pino-http's `customLogLevel`). One line per request is the hot path's heaviest log
 * (issue 9): a success is debug; a refusal stays visible (info), 503 included (shed load, a dependency away: nothing
 * was done, the caller retries); a failure of ours is an error. Below the logger's level a success is `silent`, which
 * pino-http takes as "build no line" — a disabled debug line would still be assembled first.
 */
export function requestLogLevel(loggerLevel: string): (req: IncomingMessage, res: ServerResponse, error?: Error) => 'error' | 'info' | 'debug' | 'silent' {
  const successLevel = (levels.values[loggerLevel] ?? levels.values.info) <= levels.values.debug ? 'debug' : 'silent';
  return (_req, res, error) => (error || (res.statusCode >= 500 && res.statusCode !== 503) ? 'error' : res.statusCode >= 400 ? 'info' : successLevel);
}

export function loggingModule(service: string): DynamicModule {
  const level = process.env.LOG_LEVEL ?? 'info';
  return {
    module: HttpTracingModule,
    imports: [
      LoggerModule.forRoot({
        pinoHttp: {
          name: service,
          level,
          redact: { paths: REDACTED_PATHS, censor: '[redacted]' },
          mixin: activeLogFields,
          genReqId: (req) => requestIdOf(req),
          // A request's own line is written once the response is finished, outside its span's context.
          customSuccessObject: (req, _res, value: Record<string, unknown>) => ({ ...value, ...requestTraceFields(req), correlationId: req.id }),
          customErrorObject: (req, _res, _error, value: Record<string, unknown>) => ({ ...value, ...requestTraceFields(req), correlationId: req.id }),
          // Health probes would drown the log an operator reads.
          autoLogging: { ignore: (req) => req.url === '/health' },
          customLogLevel: requestLogLevel(level),
          serializers: { req: (req: { method: string; url: string; id: unknown }) => ({ id: req.id, method: req.method, url: req.url }) },
        },
      }),
    ],
  };
}
