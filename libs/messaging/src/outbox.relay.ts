import type { EventEnvelope } from '@custody/contracts';
import { databaseUrlOf, schemaOf } from '@custody/persistence';
import type { Kafka, Producer } from 'kafkajs';
import { Client } from 'pg';
import type { DataSource } from 'typeorm';
import { createIdempotentProducer } from './kafka.factory';
import { consoleLogger, type MessagingLogger } from './messaging.logger';
import { onOutboxCommit } from './outbox';
import { RELAY_SESSION_OPTIONS, relayStatements, type RelayStatements } from './outbox-relay.statements';
import { groupByTopic } from './produce-batcher';
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
  /** For the relay's own connection, which holds the schema's relay lock; defaults to the DataSource's URL. */
  databaseUrl?: string;
  batchSize?: number;
  /**
   * The safety net: a pass at least this often. A commit of this process's DataSource that wrote an outbox row
   * wakes the relay at once; the poll finds rows whose wake was missed (e.g. written by a process without a relay).
   */
  pollIntervalMs?: number;
  /**
   * After a wake that found the relay lock held by another relay (whose pass may have read before the commit
   * that woke this one), how soon to try again. Short: that commit's row must not wait a whole poll interval.
   */
  busyRetryMs?: number;
  /**
   * How long a running relay's pass keeps the relay lock once it has published everything, waiting for the next commit
   * of its process before it lets go (issue 9). While commits keep coming closer than this, the pass never ends: each
   * wake costs a read, not a lock, a read and an unlock. Another replica's rows wait at most this long (its relay is
   * busy and tries again, or this one reads them with its next wake).
   */
  lingerMs?: number;
  /** A send that takes longer fails the batch; its rows stay unpublished and are sent again. */
  sendTimeoutMs?: number;
  /**
   * How long the relay lock's session may stay silent (it is, while Kafka is asked) before PostgreSQL ends it and
   * so frees the lock for the other relays: a relay that hangs (a paused process) is presumed dead after this.
   * Longer than any send; defaults to twice `sendTimeoutMs`.
   */
  lockIdleTimeoutMs?: number;
  logger?: MessagingLogger;
}

interface OutboxRow {
  id: string;
  topic: string;
  message_key: string;
  envelope: EventEnvelope<unknown>;
  /** W3C trace headers of the transaction that wrote the row, if it was traced. */
  trace_context: Record<string, string> | null;
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
 * Several replicas may run a relay: a pass holds a session-level advisory lock for the schema on the relay's
 * own connection, so one relay publishes at a time and id order (hence per-key order) holds across replicas.
 * Row locks with SKIP LOCKED would let two relays publish interleaved batches out of order. No transaction is
 * open while Kafka is asked: a batch is read by one statement and marked by another, each its own short
 * transaction, so a slow broker holds back neither vacuum nor a connection of the service's pool. While rows keep
 * coming the pass keeps the lock, and the statement that marks a batch reads the next: one statement a batch,
 * plus taking and letting go of the lock once per pass; a running relay's pass waits `lingerMs` for the next
 * commit before it lets go, so under steady load one pass lasts as long as the load, and a sent batch's mark waits
 * for that commit too, to go with the read of its rows (issue 9).
 *
 * A relay that hangs holding the lock (a paused process, a lost host) must not stop every other relay for
 * ever: while it holds the lock its session has an `idle_session_timeout` (`lockIdleTimeoutMs`), after
 * which PostgreSQL ends the session and the lock with it. Its rows are still unpublished, so the next relay
 * sends them; the hung one, if it resumes, can only send its batch again (duplicates on the wire) and then
 * fails to mark, because the mark goes through the session it lost. No row is marked that Kafka did not
 * acknowledge, so none is lost.
 */
export class OutboxRelay {
  private readonly dataSource: DataSource;
  private readonly schema: string;
  private readonly sql: RelayStatements;
  private readonly lockName: string;
  private readonly producer: RelayProducer;
  private readonly databaseUrl: string;
  private readonly batchSize: number;
  private readonly pollIntervalMs: number;
  private readonly busyRetryMs: number;
  private readonly lingerMs: number;
  private readonly sendTimeoutMs: number;
  private readonly lockIdleTimeoutMs: number;
  private readonly logger: MessagingLogger;

  private running = false;
  private loopDone: Promise<void> = Promise.resolve();
  private connection: Client | undefined;
  private stopWakes: (() => void) | undefined;
  private wakePending = false;
  private wakeWaiter: (() => void) | undefined;
  private passes: Promise<unknown> = Promise.resolve();
  private readonly stopSignal = new AbortController();

  constructor(options: OutboxRelayOptions) {
    this.dataSource = options.dataSource;
    this.schema = options.schema ?? schemaOf(options.dataSource);
    this.sql = relayStatements(this.schema);
    this.lockName = `custody.outbox-relay:${this.schema}`;
    if (options.producer) this.producer = options.producer;
    else if (options.kafka) this.producer = createIdempotentProducer(options.kafka);
    else throw new Error('OutboxRelay needs `kafka` or `producer`');
    this.databaseUrl = options.databaseUrl ?? databaseUrlOf(options.dataSource);
    this.batchSize = options.batchSize ?? 200;
    this.pollIntervalMs = options.pollIntervalMs ?? 1_000;
    this.busyRetryMs = options.busyRetryMs ?? 25;
    this.lingerMs = options.lingerMs ?? 50;
    this.sendTimeoutMs = options.sendTimeoutMs ?? 30_000;
    this.lockIdleTimeoutMs = options.lockIdleTimeoutMs ?? this.sendTimeoutMs * 2;
    this.logger = options.logger ?? consoleLogger;
  }

  async start(): Promise<void> {
    if (this.running) return;
    await this.producer.connect();
    this.running = true;
    this.stopWakes = onOutboxCommit(this.dataSource, this.schema, () => this.wake());
    this.loopDone = this.loop();
    this.logger.info({ schema: this.schema }, 'outbox relay started');
  }

  /** Finishes the pass in progress (its rows are then either marked or left for the next relay) and closes the relay's connection. */
  async stop(): Promise<void> {
    if (this.running) {
      this.running = false;
      this.stopWakes?.();
      this.stopSignal.abort();
      this.wake();
      await this.loopDone;
      await this.producer.disconnect();
      this.logger.info({ schema: this.schema }, 'outbox relay stopped');
    }
    await this.dropConnection();
  }

  /**
   * One pass: take the relay lock, then publish batches of up to `batchSize` unpublished rows in id order — read,
   * send, mark — for as long as rows keep coming, and let go of the lock once a read finds none. Public so that a
   * test or an operator tool can drive the relay step by step (such a pass does not linger).
   */
  publishPending(): Promise<RelayPassResult> {
    return this.passInTurn(0);
  }

  private passInTurn(lingerMs: number): Promise<RelayPassResult> {
    // A relay's passes share its session, and a session may take its advisory lock twice: they must not overlap.
    const pass = this.passes.then(() => this.pass(lingerMs));
    this.passes = pass.catch(() => undefined);
    return pass;
  }

  private async pass(lingerMs: number): Promise<RelayPassResult> {
    const connection = await this.connected();
    try {
      // The timeout is set only while the lock is held: an idle relay's connection may wait as long as it likes.
      // The lock is taken by a statement of its own, so that every read below sees what the previous holder marked.
      const [{ locked }] = (
        await connection.query<{ locked: boolean }>(this.sql.lock, [this.lockName, String(this.lockIdleTimeoutMs)])
      ).rows;
      if (!locked) return { published: 0, busy: true };
      let published = 0;
      let rows = await this.read(connection);
      for (;;) {
        if (rows.length === 0) {
          // A commit of this process woke the relay while it was sending, or does within `lingerMs`: one more read,
          // with the lock still held, sees it (the wake is taken here, so the loop makes no pass of its own for it).
          if (!this.wakePending && !(await this.lingerForWake(lingerMs))) break;
          this.wakePending = false;
          rows = await this.read(connection);
          continue;
        }
        await this.send(rows);
        published += rows.length;
        const sent = rows.map((row) => row.id);
        // The mark and the next read in one statement (issue 9). A lingering pass's mark waits for the commit that
        // brings the next rows (at most `lingerMs`), so under steady load a wake costs that one statement, not a read
        // and then a mark that reads nothing; a full batch reads on at once, and so does a pass that does not linger
        // (`publishPending`: it takes every row committed while it was sending). Held back, a mark only widens what a
        // crash republishes: rows Kafka acknowledged, which consumers de-duplicate. The lock is never let go in a
        // statement that marks: it would be free before the mark commits, and the next relay could read the rows again.
        const readOn = lingerMs <= 0 || rows.length === this.batchSize || this.wakePending || (await this.lingerForWake(lingerMs));
        if (!readOn || this.stopSignal.signal.aborted) {
          await connection.query(this.sql.mark, [sent]);
          break;
        }
        this.wakePending = false;
        rows = (await connection.query<OutboxRow>(this.sql.markAndReadNext, [sent, this.batchSize])).rows;
      }
      await connection.query(this.sql.unlock, [this.lockName]);
      return { published, busy: false };
    } catch (error) {
      // Ending the session lets go of the lock whatever state the pass left it in; the next pass connects anew.
      await this.dropConnection();
      throw error;
    }
  }

  private async read(connection: Client): Promise<OutboxRow[]> {
    return (await connection.query<OutboxRow>(this.sql.read, [this.batchSize])).rows;
  }

  private async connected(): Promise<Client> {
    if (this.connection) return this.connection;
    const client = new Client({
      connectionString: this.databaseUrl,
      connectionTimeoutMillis: 5_000,
      application_name: `${this.schema}-outbox-relay`,
      options: RELAY_SESSION_OPTIONS,
    });
    client.on('error', (error) => {
      // E.g. PostgreSQL ended a hung relay's session: the pass in progress fails and the next one reconnects.
      this.logger.warn({ schema: this.schema, error }, 'outbox relay connection lost');
      if (this.connection === client) this.connection = undefined;
      void client.end().catch(() => undefined);
    });
    try {
      await client.connect();
    } catch (error) {
      await client.end().catch(() => undefined);
      throw error;
    }
    this.connection = client;
    return client;
  }

  private async dropConnection(): Promise<void> {
    const connection = this.connection;
    this.connection = undefined;
    await connection?.end().catch(() => undefined);
  }

  private async send(rows: OutboxRow[]): Promise<void> {
    const topicMessages = groupByTopic(
      rows.map((row) => ({
        topic: row.topic,
        message: {
          key: row.message_key,
          value: JSON.stringify(row.envelope),
          headers: { ...row.trace_context, 'message-id': row.envelope.id, 'message-type': row.envelope.type, 'correlation-id': row.envelope.correlationId },
        },
      })),
    );
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_resolve, reject) => {
      timer = setTimeout(() => reject(new SendTimeoutError(`Kafka did not acknowledge within ${this.sendTimeoutMs} ms`)), this.sendTimeoutMs);
    });
    try {
      await Promise.race([this.producer.sendBatch({ acks: -1, topicMessages }), timeout]);
    } finally {
      clearTimeout(timer);
    }
  }

  private async loop(): Promise<void> {
    let failures = 0;
    while (this.running) {
      // A wake from here on may be for a row this pass does not see: it leaves another pass pending.
      const woken = this.wakePending;
      this.wakePending = false;
      try {
        const pass = await this.passInTurn(this.lingerMs);
        failures = 0;
        if (pass.busy && woken) {
          // The relay holding the lock may have read before the commit that woke this one, and will not look
          // again for it until its own next wake or poll: try again soon, until this relay gets its own pass.
          this.wakePending = true;
          await sleep(this.busyRetryMs, this.stopSignal.signal);
          continue;
        }
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

  /** Whether a commit of this process woke the relay within `ms` (never once it is stopping). */
  private async lingerForWake(ms: number): Promise<boolean> {
    if (ms <= 0 || !this.running) return false;
    await this.waitForWake(ms);
    return this.wakePending && this.running;
  }

  private async waitForWake(timeoutMs = this.pollIntervalMs): Promise<void> {
    if (this.wakePending) return;
    await new Promise<void>((resolve) => {
      const timer = setTimeout(done, timeoutMs);
      this.wakeWaiter = done;
      function done(): void {
        clearTimeout(timer);
        resolve();
      }
    });
    this.wakeWaiter = undefined;
  }
}
