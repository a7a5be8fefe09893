import { activeLogFields } from './trace-context';

/**
 * The little the messaging code needs from a logger. The argument order is pino's (fields, message),
 * so a service passes its pino logger straight in.
 */
export interface MessagingLogger {
  info(fields: Record<string, unknown>, message: string): void;
  warn(fields: Record<string, unknown>, message: string): void;
  error(fields: Record<string, unknown>, message: string): void;
}

function line(level: string, fields: Record<string, unknown>, message: string): string {
  return JSON.stringify({ level, time: new Date().toISOString(), msg: message, ...activeLogFields(), ...fields }, (_key, value: unknown) =>
    value instanceof Error ? { name: value.name, message: value.message, stack: value.stack } : value,
  );
}

/** JSON lines on stdout/stderr, for processes that have no pino logger (tools, tests). */
export const consoleLogger: MessagingLogger = {
  info: (fields, message) => console.log(line('info', fields, message)),
  warn: (fields, message) => console.warn(line('warn', fields, message)),
  error: (fields, message) => console.error(line('error', fields, message)),
};

/** Keeps warnings and errors only; what tests use so that expected noise stays out of the report. */
export const quietLogger: MessagingLogger = { ...consoleLogger, info: () => undefined };
