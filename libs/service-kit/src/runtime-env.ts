/**
 * Process-level settings every service reads from its environment (the local stack and Kubernetes set
 * them); secrets never have defaults outside development. Bearer-token keys are read apart
 * (auth-settings.ts): they have no defaults at all.
 */
export interface RuntimeEnv {
  port: number;
  databaseUrl: string;
  kafkaBrokers: string[];
  redisUrl: string;
  secretSealingKey: Buffer;
  /**
   * KAFKA_SESSION_TIMEOUT_MS: how long a consumer that stopped heartbeating (a killed process) keeps its
   * partitions before the group moves them. The services' default (30 s) suits production; a test stack that
   * kills processes on purpose sets it low so the survivors take over quickly.
   */
  consumerTuning?: { sessionTimeoutMs: number; heartbeatIntervalMs: number };
}

const DEV_ONLY_SEALING_KEY = '00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff';

export function readRuntimeEnv(defaultPort: number, env: NodeJS.ProcessEnv = process.env): RuntimeEnv {
  const production = env.NODE_ENV === 'production';
  const sealing = env.SECRET_SEALING_KEY ?? (production ? undefined : DEV_ONLY_SEALING_KEY);
  if (!sealing || !/^[0-9a-fA-F]{64}$/.test(sealing)) throw new Error('SECRET_SEALING_KEY must be 64 hex characters');
  return {
    port: Number(env.PORT ?? defaultPort),
    databaseUrl: env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/custody',
    kafkaBrokers: (env.KAFKA_BROKERS ?? '127.0.0.1:9092').split(','),
    redisUrl: env.REDIS_URL ?? 'redis://127.0.0.1:6379',
    secretSealingKey: Buffer.from(sealing, 'hex'),
    consumerTuning: consumerTuningFrom(env.KAFKA_SESSION_TIMEOUT_MS),
  };
}

function consumerTuningFrom(raw: string | undefined): RuntimeEnv['consumerTuning'] {
  if (raw === undefined || raw === '') return undefined;
  const sessionTimeoutMs = Number(raw);
  // The broker refuses sessions outside group.min/max.session.timeout.ms; below 1 s a busy host misses beats.
  if (!Number.isInteger(sessionTimeoutMs) || sessionTimeoutMs < 1000) throw new Error('KAFKA_SESSION_TIMEOUT_MS must be a whole number of milliseconds, at least 1000');
  // Kafka's rule of thumb: at most a third of the session, so two lost beats do not end it.
  return { sessionTimeoutMs, heartbeatIntervalMs: Math.max(100, Math.floor(sessionTimeoutMs / 3)) };
}
