import type { EventEnvelope } from '@custody/contracts';
import { databaseUrlOf, qualifiedTable, schemaOf } from '@custody/persistence';
import type { Kafka, Producer, TopicMessages } from 'kafkajs';
import { Client } from 'pg';
import type { DataSource } from 'typeorm';
import { createIdempotentProducer } from './kafka.factory';
import { consoleLogger, type MessagingLogger } from './messaging.logger';
import { outboxChannel } from './outbox';
import { OUTBOX_TABLE } from './outbox-inbox.migration';
import { sleep } from './retry.policy';

/** The part of a kafkajs producer the relay uses (a seam for fault-injection tests). */
export type RelayProducer = Pick<Producer, 'connect' | 'disconnect' | 'sendBatch'>;

export interface OutboxRelayOptions {
  dataSource: DataSource;
  /** Where to publish; the relay makes its own idempotent producer from it unless `producer` is given. */
  kafka?: Kafka;
  producer?: RelayProducer;
  /** Defaults to the DataSource's schema. */
  schema?: string;
  /** For the LISTEN connection; defaults to the DataSource's URL. */
  databaseUrl?: string;
  batchSize?: number;
  /** Polling is the safety net under LISTEN/NOTIFY (a notification is lost while the listener reconnects). */
  pollIntervalMs?: number;
  /** A send that takes longer fails the batch; its rows stay unpublished and are sent again. */
  sendTimeoutMs?: number;
  logger?: MessagingLogger;
}

interface OutboxRow {
  id: string;
  topic: string;
  message_key: string;
  envelope: EventEnvelope<unknown>;
}

export interface RelayPassResult {
  /** Rows published and marked in this pass. */
  published: number;
  /** True when another relay held the schema's relay lock, so this one did nothing. */
  busy: boolean;
}

class SendTimeoutError extends Error {}

/**
 * Publishes committed outbox rows to Kafka, oldest first, and marks them published only after Kafka
 * acknowledged them (acks=all). A crash between the acknowledgement and the mark publishes the rows
 * again on the next pass — at-least-once on the wire, which consumers absorb through their inbox.
 *
 * Several replicas may run a relay: each pass holds a transaction-level advisory lock for the schema,
 * so one relay publishes at a time and id order (hence per-key order) holds across replicas. Row
 * locks with SKIP LOCKED would let two relays publish interleaved batches out of order.
 */
export class OutboxRelay {
  private readonly dataSource: DataSource;
  private readonly schema: string;
  private readonly table: string;
  private readonly producer: RelayProducer;
  private readonly databaseUrl: string;
  private readonly batchSize: number;
  private readonly pollIntervalMs: number;
  private readonly sendTimeoutMs: number;
  private readonly logger: MessagingLogger;

  private running = false;
  private loopDone: Promise<void> = Promise.resolve();
  private listener: Client | undefined;
  private wakePending = false;
  private wakeWaiter: (() => void) | undefined;
  private readonly stopSignal = new AbortController();

  constructor(options: OutboxRelayOptions) {
    this.dataSource = options.dataSource;
    this.schema = options.schema ?? schemaOf(options.dataSource);
    this.table = qualifiedTable(this.schema, OUTBOX_TABLE);
    if (options.producer) this.producer = options.producer;
    else if (options.kafka) this.producer = createIdempotentProducer(options.kafka);
    else throw new Error('OutboxRelay needs `kafka` or `producer`');
    this.databaseUrl = options.databaseUrl ?? databaseUrlOf(options.dataSource);
    this.batchSize = options.batchSize ?? 200;
    this.pollIntervalMs = options.pollIntervalMs ?? 1_000;
    this.sendTimeoutMs = options.sendTimeoutMs ?? 30_000;
    this.logger = options.logger ?? consoleLogger;
  }

  async start(): Promise<void> {
    if (this.running) return;
    await this.producer.connect();
    this.running = true;
    await this.listen();
    this.loopDone = this.loop();
    this.logger.info({ schema: this.schema }, 'outbox relay started');
  }

  /** Finishes the pass in progress (its rows are then either marked or left for the next relay). */
  async stop(): Promise<void> {
    if (!this.running) return;
    this.running = false;
    this.stopSignal.abort();
    this.wake();
    await this.loopDone;
    const listener = this.listener;
    this.listener = undefined;
    await listener?.end().catch(() => undefined);
    await this.producer.disconnect();
    this.logger.info({ schema: this.schema }, 'outbox relay stopped');
  }

  /**
   * One pass: take the relay lock, read up to `batchSize` unpublished rows in id order, publish them,
   * mark them. Public so that a test or an operator tool can drive the relay step by step.
   */
  async publishPending(): Promise<RelayPassResult> {
    const runner = this.dataSource.createQueryRunner();
    await runner.connect();
    try {
      await runner.startTransaction('READ COMMITTED');
      // A relay that hangs must not hold the lock (and so stop every other relay) forever.
      await runner.query(`SET LOCAL idle_in_transaction_session_timeout = ${Math.ceil(this.sendTimeoutMs * 2)}`);
      const [{ locked }] = (await runner.query('SELECT pg_try_advisory_xact_lock(hashtextextended($1, 0)) AS locked', [
        `custody.outbox-relay:${this.schema}`,
      ])) as Array<{ locked: boolean }>;
      if (!locked) {
        await runner.rollbackTransaction();
        return { published: 0, busy: true };
      }
      const rows = (await runner.query(
        `SELECT id, topic, message_key, envelope FROM ${this.table} WHERE published_at IS NULL ORDER BY id LIMIT $1`,
        [this.batchSize],
      )) as OutboxRow[];
      if (rows.length > 0) {
        await this.send(rows);
        await runner.query(`UPDATE ${this.table} SET published_at = now() WHERE id = ANY($1::bigint[])`, [rows.map((row) => row.id)]);
      }
      await runner.commitTransaction();
      return { published: rows.length, busy: false };
    } catch (error) {
      if (runner.isTransactionActive) await runner.rollbackTransaction().catch(() => undefined);
      throw error;
    } finally {
      await runner.release();
    }
  }

  private async send(rows: OutboxRow[]): Promise<void> {
    const byTopic = new Map<string, TopicMessages>();
    for (const row of rows) {
      const topicMessages = byTopic.get(row.topic) ?? { topic: row.topic, messages: [] };
      topicMessages.messages.push({
        key: row.message_key,
        value: JSON.stringify(row.envelope),
        headers: { 'message-id': row.envelope.id, 'message-type': row.envelope.type, 'correlation-id': row.envelope.correlationId },
      });
      byTopic.set(row.topic, topicMessages);
    }
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_resolve, reject) => {
      timer = setTimeout(() => reject(new SendTimeoutError(`Kafka did not acknowledge within ${this.sendTimeoutMs} ms`)), this.sendTimeoutMs);
    });
    try {
      await Promise.race([this.producer.sendBatch({ acks: -1, topicMessages: [...byTopic.values()] }), timeout]);
    } finally {
      clearTimeout(timer);
    }
  }

  private async loop(): Promise<void> {
    let failures = 0;
    while (this.running) {
      try {
        const pass = await this.publishPending();
        failures = 0;
        if (pass.published === this.batchSize) continue;
      } catch (error) {
        failures += 1;
        const delayMs = Math.min(10_000, 100 * 2 ** Math.min(failures, 7));
        this.logger.error({ schema: this.schema, error, failures, retryInMs: delayMs }, 'outbox relay pass failed; rows stay unpublished');
        await sleep(delayMs, this.stopSignal.signal);
        continue;
      }
      await this.waitForWake();
    }
  }

  private wake(): void {
    this.wakePending = true;
    this.wakeWaiter?.();
  }

  private async waitForWake(): Promise<void> {
    if (this.wakePending) {
      this.wakePending = false;
      return;
    }
    await new Promise<void>((resolve) => {
      const timer = setTimeout(done, this.pollIntervalMs);
      const waiter = (): void => done();
      this.wakeWaiter = waiter;
      function done(): void {
        clearTimeout(timer);
        resolve();
      }
    });
    this.wakeWaiter = undefined;
    this.wakePending = false;
  }

  private async listen(): Promise<void> {
    const client = new Client({ connectionString: this.databaseUrl, connectionTimeoutMillis: 5_000 });
    client.on('notification', () => this.wake());
    client.on('error', (error) => {
      // Polling carries on meanwhile; only the instant wake-up is lost until the reconnect.
      this.logger.warn({ schema: this.schema, error }, 'outbox LISTEN connection failed; reconnecting');
      void client.end().catch(() => undefined);
      if (this.listener === client) this.listener = undefined;
      void this.reconnectListener();
    });
    try {
      await client.connect();
      await client.query(`LISTEN "${outboxChannel(this.schema)}"`);
      this.listener = client;
    } catch (error) {
      await client.end().catch(() => undefined);
      this.logger.warn({ schema: this.schema, error }, 'outbox LISTEN unavailable; relying on polling');
      void this.reconnectListener();
    }
  }

  private async reconnectListener(): Promise<void> {
    await sleep(1_000, this.stopSignal.signal);
    if (this.running && !this.listener) await this.listen();
  }
}
