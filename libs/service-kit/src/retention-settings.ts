export const DAY_MS = 86_400_000;

/**
 * How the retention job runs and how long each kind of row is kept, from the environment (docs/design.md
 * "Retention" lists every variable and why its default is what it is). Read once at start; a bad value stops
 * the start rather than pruning by a guess.
 */
export class RetentionSettings {
  private constructor(
    private readonly env: NodeJS.ProcessEnv,
    /** CUSTODY_RETENTION_INTERVAL_MS: time between runs (default 10 min). */
    readonly intervalMs: number,
    /** CUSTODY_RETENTION_BATCH_SIZE: rows per batch, one short transaction each (default 500). */
    readonly batchSize: number,
    /** CUSTODY_RETENTION_PAUSE_MS: pause between batches, so the hot path keeps the database (default 100 ms). */
    readonly pauseMs: number,
  ) {}

  static fromEnv(env: NodeJS.ProcessEnv = process.env): RetentionSettings {
    return new RetentionSettings(
      env,
      wholeNumber(env, 'CUSTODY_RETENTION_INTERVAL_MS', 600_000, 1),
      wholeNumber(env, 'CUSTODY_RETENTION_BATCH_SIZE', 500, 1),
      wholeNumber(env, 'CUSTODY_RETENTION_PAUSE_MS', 100, 0),
    );
  }

  /** How long rows of `kind` are kept: `CUSTODY_RETENTION_<KIND>_DAYS` (decimals allowed), else `defaultDays`. */
  keepMs(kind: string, defaultDays: number): number {
    const name = `CUSTODY_RETENTION_${kind}_DAYS`;
    const raw = this.env[name];
    const days = raw === undefined || raw === '' ? defaultDays : Number(raw);
    if (!Number.isFinite(days) || days <= 0) throw new Error(`${name} must be a positive number of days, got "${raw}"`);
    return days * DAY_MS;
  }
}

function wholeNumber(env: NodeJS.ProcessEnv, name: string, fallback: number, min: number): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < min) throw new Error(`${name} must be a whole number, at least ${min}, got "${raw}"`);
  return value;
}
