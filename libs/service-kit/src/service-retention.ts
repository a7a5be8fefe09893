import { Logger } from '@nestjs/common';
import { inboxRetention, outboxRetention, redeliveryHorizonMs } from '@custody/messaging';
import type { RetentionTask } from '@custody/persistence';
import type { Kafka } from 'kafkajs';
import type { DataSource } from 'typeorm';
import { idempotencyRetention } from './idempotency';
import { RetentionJob } from './retention.job';
import { DAY_MS, RetentionSettings } from './retention-settings';

/**
 * Defaults (days) for the scaffolding every database service has. Inbox: well past Kafka's default horizon
 * (7-day retention + 7-day segments), and raised at start to whatever the topics really keep. Outbox: published
 * rows, kept a week for investigation. Idempotency keys: a month, past any client's retry (a batch re-run
 * after a long holiday included).
 */
export const PLATFORM_RETENTION_DAYS = { INBOX: 30, OUTBOX: 7, IDEMPOTENCY: 30 } as const;

/** On top of Kafka's horizon: its retention check runs every few minutes, and clocks differ. */
const INBOX_HORIZON_MARGIN_MS = DAY_MS;

/**
 * The inbox retention to use: the configured one, raised to cover every possible redelivery; undefined when
 * some topic keeps its messages forever, so inbox entries must be kept forever too.
 */
export function inboxRetentionFor(configuredMs: number, horizonMs: number): number | undefined {
  if (!Number.isFinite(horizonMs)) return undefined;
  return Math.max(configuredMs, horizonMs + INBOX_HORIZON_MARGIN_MS);
}

/**
 * The platform's expiring rows in a service schema: inbox entries (unless `inboxMs` is undefined: kept forever),
 * published outbox rows and idempotency keys. Nothing else of the schema is touched.
 */
export function platformRetention(schema: string, settings: RetentionSettings, inboxMs: number | undefined): RetentionTask[] {
  return [
    ...(inboxMs === undefined ? [] : [inboxRetention(schema, inboxMs)]),
    outboxRetention(schema, settings.keepMs('OUTBOX', PLATFORM_RETENTION_DAYS.OUTBOX)),
    idempotencyRetention(schema, settings.keepMs('IDEMPOTENCY', PLATFORM_RETENTION_DAYS.IDEMPOTENCY)),
  ];
}

export interface ServiceRetentionOptions {
  schema: string;
  dataSource: DataSource;
  kafka: Kafka;
  /** The topics this service consumes (namespaced names): its inbox entries are about their messages. */
  consumedTopics: string[];
  /** The service's own expiring rows, beside the platform's. */
  own: (settings: RetentionSettings) => RetentionTask[];
}

/** Starts the service's retention job (docs/design.md "Retention"); stop it before the data source closes. */
export async function startServiceRetention(options: ServiceRetentionOptions): Promise<RetentionJob> {
  const logger = new Logger('Retention');
  const settings = RetentionSettings.fromEnv();
  const configuredInboxMs = settings.keepMs('INBOX', PLATFORM_RETENTION_DAYS.INBOX);
  let inboxMs: number | undefined;
  try {
    inboxMs = inboxRetentionFor(configuredInboxMs, await redeliveryHorizonMs(options.kafka, options.consumedTopics));
    if (inboxMs === undefined) logger.warn({ schema: options.schema }, 'retention: a consumed topic keeps messages forever, so the inbox is never pruned');
    else if (inboxMs > configuredInboxMs) {
      logger.warn({ schema: options.schema, configuredDays: configuredInboxMs / DAY_MS, usedDays: inboxMs / DAY_MS }, 'retention: inbox kept longer than configured, since Kafka may redeliver that late');
    }
  } catch (error) {
    // Pruning inbox entries a redelivery may still need would apply a message twice; not pruning costs only disk.
    logger.error({ err: error, schema: options.schema }, 'retention: topic retention unknown, so the inbox is not pruned by this process');
  }
  const tasks = [...platformRetention(options.schema, settings, inboxMs), ...options.own(settings)];
  const job = new RetentionJob({ dataSource: options.dataSource, schema: options.schema, tasks, intervalMs: settings.intervalMs, batchSize: settings.batchSize, pauseMs: settings.pauseMs });
  job.start();
  logger.log({ schema: options.schema, rows: tasks.map((t) => t.name), intervalMs: settings.intervalMs }, 'retention job started');
  return job;
}
