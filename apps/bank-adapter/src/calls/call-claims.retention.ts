import { redeliveryHorizonMs } from '@custody/messaging';
import { inboxRetentionFor, RetentionJob, RetentionSettings } from '@custody/service-kit';
import type { Kafka } from 'kafkajs';
import type { DataSource } from 'typeorm';
import { type AdapterLogger, describeError } from '../platform/adapter-logger';
import { callClaimsRetention } from './call-claims.repository';

/** A month, like the inbox: past Kafka's default horizon, and raised at start to what the calls topic really keeps. */
const CALL_CLAIMS_DEFAULT_DAYS = 30;

/**
 * Prunes call claims no redelivery can need any more. A claim pruned while its call could still be
 * redelivered would let the redelivery be written again or answered NOT_SENT, so when the calls topic's
 * retention cannot be read (or is "forever") nothing is pruned: that costs only disk.
 */
export async function startCallClaimsRetention(dataSource: DataSource, kafka: Kafka, callsTopic: string, logger: AdapterLogger): Promise<RetentionJob | undefined> {
  const settings = RetentionSettings.fromEnv();
  let keepMs: number | undefined;
  try {
    keepMs = inboxRetentionFor(settings.keepMs('CALL_CLAIMS', CALL_CLAIMS_DEFAULT_DAYS), await redeliveryHorizonMs(kafka, [callsTopic]));
  } catch (error) {
    logger.error({ topic: callsTopic, error: describeError(error) }, 'retention: the calls topic\'s retention is unknown, so call claims are not pruned by this process');
    return undefined;
  }
  if (keepMs === undefined) {
    logger.warn({ topic: callsTopic }, 'retention: the calls topic keeps messages forever, so call claims are never pruned');
    return undefined;
  }
  const job = new RetentionJob({ dataSource, schema: 'bank_adapter', tasks: [callClaimsRetention(keepMs)], intervalMs: settings.intervalMs, batchSize: settings.batchSize, pauseMs: settings.pauseMs });
  job.start();
  return job;
}
