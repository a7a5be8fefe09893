import pino from 'pino';
import { activeLogFields } from '@custody/messaging';
import { REDACTED_PATHS } from '@custody/service-kit';

/**
 * What the adapter's core logs through. The argument order is pino's (fields, message), so the
 * messaging library's consumers can take the same logger. Fields must never carry passwords, PIN
 * blocks, ID numbers or keys; the production logger also redacts the usual paths as a second line.
 */
export interface AdapterLogger {
  debug(fields: Record<string, unknown>, message: string): void;
  info(fields: Record<string, unknown>, message: string): void;
  warn(fields: Record<string, unknown>, message: string): void;
  error(fields: Record<string, unknown>, message: string): void;
}

export function createAdapterLogger(name: string, level = process.env.LOG_LEVEL ?? 'info'): AdapterLogger {
  const logger = pino({ name, level, mixin: activeLogFields, redact: { paths: [...REDACTED_PATHS, '*.pinKey', '*.macKey', '*.certId'], censor: '[redacted]' } });
  return {
    debug: (fields, message) => logger.debug(fields, message),
    info: (fields, message) => logger.info(fields, message),
    warn: (fields, message) => logger.warn(fields, message),
    error: (fields, message) => logger.error(fields, message),
  };
}

/** For tests: keeps nothing, prints nothing. */
export const silentLogger: AdapterLogger = {
  debug: () => undefined,
  info: () => undefined,
  warn: () => undefined,
  error: () => undefined,
};

/** Errors go into logs by name and message only: a stack or a cause could quote a message body. */
export function describeError(error: unknown): string {
  return error instanceof Error ? `${error.name}: ${error.message}` : String(error);
}
