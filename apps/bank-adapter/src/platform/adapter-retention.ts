import { inboxRetention, outboxRetention, redeliveryHorizonMs } from '@custody/messaging';
import type { RetentionTask } from '@custody/persistence';
import { inboxRetentionFor, PLATFORM_RETENTION_DAYS, RetentionJob, RetentionSettings } from '@custody/service-kit';
import type { Kafka } from 'kafkajs';
import type { DataSource } from 'typeorm';
import { callClaimsRetention } from '../calls/call-claims.repository';
import { bankAnnouncementsRetention } from '../files/bank-announcements.repository';
import { type AdapterLogger, describeError } from './adapter-logger';

const SCHEMA = 'bank_adapter';
/** A month, like the inbox: past Kafka's default horizon, and raised at start to what the calls topic really keeps. */
const CALL_CLAIMS_DEFAULT_DAYS = 30;
/** A bank repeats a 13005 within its day; a month is far past any repeat. */
const BANK_ANNOUNCEMENTS_DEFAULT_DAYS = 30;

export interface AdapterTopics {
  /**
   * Every bank's calls topic (namespaced): a claim must outlive every redelivery of its call, and the claims table
   * is shared by every bank's adapter, so whichever adapter prunes it keeps a claim as long as any bank's calls
   * topic can redeliver (the topics are alike unless an operator changed one).
   */
  readonly calls: readonly string[];
  /** The topics the adapter's transactional consumer reads (namespaced): an inbox entry must outlive their redeliveries. */
  readonly inbox: readonly string[];
}

/**
 * The adapter's expiring rows (docs/design.md "Retention"): call claims and inbox entries once no redelivery
 * can need them, published outbox rows, and the bank's answered 13005s. A row whose topic's retention cannot
 * be read (or is "forever") is not pruned: pruning it too early would let a redelivery act twice, keeping it
 * costs only disk. File steps are kept: they are the record of what was sent and fetched, and what makes a
 * step re-read from Kafka a no-op.
 */
export async function startAdapterRetention(dataSource: DataSource, kafka: Kafka, topics: AdapterTopics, logger: AdapterLogger): Promise<RetentionJob> {
  const settings = RetentionSettings.fromEnv();
  const tasks: RetentionTask[] = [
    outboxRetention(SCHEMA, settings.keepMs('OUTBOX', PLATFORM_RETENTION_DAYS.OUTBOX)),
    bankAnnouncementsRetention(settings.keepMs('BANK_ANNOUNCEMENTS', BANK_ANNOUNCEMENTS_DEFAULT_DAYS)),
  ];
  const claimsMs = await horizonBound(kafka, topics.calls, settings.keepMs('CALL_CLAIMS', CALL_CLAIMS_DEFAULT_DAYS), 'call claims', logger);
  if (claimsMs !== undefined) tasks.push(callClaimsRetention(claimsMs));
  const inboxMs = await horizonBound(kafka, topics.inbox, settings.keepMs('INBOX', PLATFORM_RETENTION_DAYS.INBOX), 'inbox entries', logger);
  if (inboxMs !== undefined) tasks.push(inboxRetention(SCHEMA, inboxMs));
  const job = new RetentionJob({ dataSource, schema: SCHEMA, tasks, intervalMs: settings.intervalMs, batchSize: settings.batchSize, pauseMs: settings.pauseMs });
  job.start();
  return job;
}

/** The configured retention raised to the topics' redelivery horizon, or undefined when rows must be kept for good. */
async function horizonBound(kafka: Kafka, topics: readonly string[], configuredMs: number, rows: string, logger: AdapterLogger): Promise<number | undefined> {
  let keepMs: number | undefined;
  try {
    keepMs = inboxRetentionFor(configuredMs, await redeliveryHorizonMs(kafka, [...topics]));
  } catch (error) {
    logger.error({ topics, error: describeError(error) }, `retention: the topics' retention is unknown, so ${rows} are not pruned by this process`);
    return undefined;
  }
  if (keepMs === undefined) logger.warn({ topics }, `retention: a topic keeps messages forever, so ${rows} are never pruned`);
  return keepMs;
}
