import type { ZodError } from 'zod';

/** `amount: Invalid; payload.currency: Invalid enum value` — short enough for a log line or a Kafka header. */
export function describeZodError(error: ZodError, prefix = ''): string {
  return error.issues
    .slice(0, 10)
    .map((issue) => `${[prefix, ...issue.path.map(String)].filter(Boolean).join('.') || '(root)'}: ${issue.message}`)
    .join('; ');
}
