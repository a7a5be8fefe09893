export interface BackoffOptions {
  readonly initialDelayMs: number;
  readonly maxDelayMs: number;
}

/**
 * Delay before reconnect attempt `failures + 1`: doubling from `initialDelayMs` up to `maxDelayMs`,
 * with the upper half randomised so that the sessions of several replicas do not knock on the bank's
 * door in step after it comes back.
 */
export function reconnectDelayMs(failures: number, options: BackoffOptions, random: () => number = Math.random): number {
  const exponent = Math.min(Math.max(failures - 1, 0), 30);
  const ceiling = Math.min(options.maxDelayMs, options.initialDelayMs * 2 ** exponent);
  return Math.round(ceiling / 2 + (random() * ceiling) / 2);
}
