/**
 * The structured log the protocol side writes to (pino in the running simulator, a silent or
 * collecting one in tests). Fields never carry passwords, PIN blocks, ID numbers or keys.
 */
export interface SimulatorLogger {
  debug(fields: object, message: string): void;
  info(fields: object, message: string): void;
  warn(fields: object, message: string): void;
  error(fields: object, message: string): void;
}

export const silentLogger: SimulatorLogger = {
  debug: () => undefined,
  info: () => undefined,
  warn: () => undefined,
  error: () => undefined,
};
