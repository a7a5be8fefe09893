import { databaseUrlFromEnv, splitDatabaseUrl } from '@custody/persistence';
import { kafkaBrokersFromEnv } from '@custody/messaging';
import Redis from 'ioredis';
import { Kafka, logLevel } from 'kafkajs';
import { Client } from 'pg';

export interface InfrastructureNeeds {
  postgres?: boolean;
  redis?: boolean;
  kafka?: boolean;
}

export const DEFAULT_REDIS_URL = 'redis://127.0.0.1:6379';

export function redisUrlFromEnv(env: NodeJS.ProcessEnv = process.env): string {
  return env['REDIS_URL'] || DEFAULT_REDIS_URL;
}

/** How to start each service on a developer machine; the same commands tools/test/run.sh prints. */
export const START_COMMANDS = {
  postgres: 'pg_ctlcluster --skip-systemctl-redirect $(ls /etc/postgresql) main start',
  redis: 'redis-server --daemonize yes --bind 127.0.0.1 -::1 --port 6379 --save "" --appendonly no',
  kafka: 'bash tools/kafka/kafka.sh start',
} as const;

export class InfrastructureUnavailableError extends Error {}

async function checkPostgres(): Promise<string | undefined> {
  const { maintenanceUrl } = splitDatabaseUrl(databaseUrlFromEnv());
  const client = new Client({ connectionString: maintenanceUrl, connectionTimeoutMillis: 2_000 });
  try {
    await client.connect();
    await client.query('SELECT 1');
    return undefined;
  } catch (error) {
    return `PostgreSQL (${new URL(maintenanceUrl).host}): ${(error as Error).message}. Start it: ${START_COMMANDS.postgres}`;
  } finally {
    await client.end().catch(() => undefined);
  }
}

async function checkRedis(): Promise<string | undefined> {
  const url = redisUrlFromEnv();
  const redis = new Redis(url, { lazyConnect: true, connectTimeout: 2_000, maxRetriesPerRequest: 0, retryStrategy: () => null });
  redis.on('error', () => undefined);
  try {
    await redis.connect();
    await redis.ping();
    return undefined;
  } catch (error) {
    return `Redis (${url}): ${(error as Error).message}. Start it: ${START_COMMANDS.redis}`;
  } finally {
    redis.disconnect();
  }
}

async function checkKafka(): Promise<string | undefined> {
  const brokers = kafkaBrokersFromEnv();
  const admin = new Kafka({
    clientId: 'custody-infrastructure-check',
    brokers,
    connectionTimeout: 2_000,
    requestTimeout: 3_000,
    retry: { retries: 0 },
    logLevel: logLevel.NOTHING,
  }).admin();
  try {
    await admin.connect();
    await admin.describeCluster();
    return undefined;
  } catch (error) {
    return `Kafka (${brokers.join(',')}): ${(error as Error).message}. Start it: ${START_COMMANDS.kafka}`;
  } finally {
    await admin.disconnect().catch(() => undefined);
  }
}

/**
 * Fails fast, naming every service that does not answer and how to start it, instead of letting an
 * integration test time out on a connection. Tests use the real services, never stand-ins.
 */
export async function requireInfrastructure(needs: InfrastructureNeeds = { postgres: true, redis: true, kafka: true }): Promise<void> {
  const problems = (
    await Promise.all([needs.postgres ? checkPostgres() : undefined, needs.redis ? checkRedis() : undefined, needs.kafka ? checkKafka() : undefined])
  ).filter((problem): problem is string => problem !== undefined);
  if (problems.length > 0) {
    throw new InfrastructureUnavailableError(
      `Integration tests need the real services, and these do not answer:\n  - ${problems.join('\n  - ')}\n` +
        '(`npm test` checks them and starts Kafka itself; tools/infra/ensure-services.sh starts PostgreSQL and Redis.)',
    );
  }
}
