import type { MessagingLogger } from '@custody/messaging';

export interface LogEntry {
  level: 'info' | 'warn' | 'error';
  message: string;
  fields: Record<string, unknown>;
}

/**
 * Keeps log entries for assertions ("a stalled message is logged at error") instead of printing
 * the noise that failure-path tests produce on purpose.
 */
export class RecordingLogger implements MessagingLogger {
  readonly entries: LogEntry[] = [];

  info(fields: Record<string, unknown>, message: string): void {
    this.entries.push({ level: 'info', message, fields });
  }

  warn(fields: Record<string, unknown>, message: string): void {
    this.entries.push({ level: 'warn', message, fields });
  }

  error(fields: Record<string, unknown>, message: string): void {
    this.entries.push({ level: 'error', message, fields });
  }

  at(level: LogEntry['level']): LogEntry[] {
    return this.entries.filter((entry) => entry.level === level);
  }
}
