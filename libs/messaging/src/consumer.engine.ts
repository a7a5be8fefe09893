import { deadLetterTopic as defaultDeadLetterTopic, type EventEnvelope, type TopicDef } from '@custody/contracts';
import { context } from '@opentelemetry/api';
import type { Consumer, EachBatchPayload, EachMessagePayload, Kafka, KafkaMessage, Producer } from 'kafkajs';
import { CoalescedOffsetCommits } from './coalesced-offset-commits';
import { type ConsumerLag, followLag } from './consumer-lag';
import { CrashRecovery } from './crash-recovery';
import { buildDeadLetterMessage, type DeadLetterFailure } from './dead-letter';
import { DeferredOffsetCommits } from './deferred-offset-commits';
import type { PartitionOffset } from './offset-committer';
import { decodeEnvelope } from './envelope.codec';
import { classifyFailure, errorCodeOf, errorText, type FailureClassifier } from './failure-class';
import type { EffectScope } from './effect-scope';
import { GroupCommit } from './group-commit';
import { createIdempotentProducer } from './kafka.factory';
import type { MessagingMetrics } from './messaging-metrics';
import { consoleLogger, type MessagingLogger } from './messaging.logger';
import { backoffAfter, DEFAULT_RETRY_POLICY, isStalled, sleep, type RetryPolicy } from './retry.policy';
import { DEFAULT_STUCK_AFTER_MS, type StuckMessage, StuckMessageMonitor, type WatchedMessage } from './stuck-monitor';
import { inMessageSpan, messageContext } from './trace-context';
import { type PartitionWindowView, type SettleControl, WindowedDispatcher, type WindowedConsumption } from './windowed.dispatcher';

/** Options every consumer variant shares. */
export interface ConsumerOptions {
  kafka: Kafka;
  groupId: string;
  /** Defaults to `deadLetterTopic` from @custody/contracts; tests pass their own. */
  deadLetterTopic?: string;
  /**
   * Where a group with no committed offset starts. Default true: a new service must see the
   * messages published before its first deployment, and its inbox makes replays harmless.
   */
  fromBeginning?: boolean;
  retry?: Partial<RetryPolicy>;
  /** Partitions processed in parallel by this member; 1 keeps everything in arrival order. */
  partitionsConsumedConcurrently?: number;
  sessionTimeoutMs?: number;
  heartbeatIntervalMs?: number;
  rebalanceTimeoutMs?: number;
  /** The longest a fetch waits for data; lower means lower latency and more requests. */
  maxWaitTimeMs?: number;
  logger?: MessagingLogger;
  /**
   * Which handler failures can never succeed on retry (dead-lettered at once); everything else is
   * retried. Default: only `DeadLetterError` is permanent. See failure-class.ts.
   */
  classifyFailure?: FailureClassifier;
  /**
   * How long one message may hold its partition (fail, or not return) before `health()` lists it and
   * an ERROR line says what is stuck and what to do. Default 60 s.
   */
  stuckAfterMs?: number;
  /** The process's messaging metrics: this consumer's lag and dead letters are counted there. */
  metrics?: MessagingMetrics;
}

/** Where a message came from; given to routes for the inbox and to the dead-letter record. */
export interface Delivery {
  groupId: string;
  topic: string;
  partition: number;
  offset: string;
  message: KafkaMessage;
}

export type PreparedMessage<S> =
  | { valid: false; reason: string }
  | { valid: true; messageId: string; messageType: string; correlationId?: string; apply: (scope: S) => Promise<'applied' | 'duplicate'> };

/** One subscribed topic: how to read its records and what applying one means for this consumer. */
export interface ConsumerRoute<S> {
  prepare(delivery: Delivery): PreparedMessage<S>;
}

/**
 * Batched consumption (transactional consumer): the ready messages of a partition's fetch are applied in one
 * `EffectScope.run`, up to `maxMessages`, and no message is begun once the run has lasted `maxDurationMs`
 * (its locks are held until it commits, and the group's heartbeat waits for it).
 */
export interface BatchLimits {
  maxMessages: number;
  maxDurationMs: number;
}

export const DEFAULT_BATCH_LIMITS: BatchLimits = { maxMessages: 100, maxDurationMs: 1_000 };

/** A readable message of a run, as the transactional consumer's inbox names it. */
export interface RunMessage {
  readonly delivery: Delivery;
  readonly messageId: string;
  readonly messageType: string;
}

/**
 * Batched only: what a shared transaction does first for every message its runs are to apply, in one go (the
 * transactional consumer claims their inbox entries, inbox.ts `InboxClaims`), and what a run cut short gives back
 * for the messages it did not apply, before the transaction commits.
 */
export interface RunClaims<S> {
  claimAll(scope: S, messages: readonly RunMessage[]): Promise<void>;
  giveBack(scope: S, messages: readonly RunMessage[]): Promise<void>;
}

export interface ConsumerHealth {
  running: boolean;
  /** Messages held for longer than `stuckAfterMs`, each naming group, topic, partition, offset, message id and last error. */
  stuck: StuckMessage[];
  /** Windowed consumption only: each partition's window (messages in flight, not yet committable, commit point). */
  windows?: PartitionWindowView[];
}

/** The consumer is stopping; the message is left uncommitted for whoever consumes the partition next. */
class ConsumerStoppingError extends Error {}

/** How the engine takes messages from kafkajs; windowed and batched are each one consumer kind's opt-in. */
export interface Consumption<S = unknown> {
  /** At-least-once only: several messages of a partition in flight at once (windowed.dispatcher.ts). */
  windowed?: WindowedConsumption;
  /** Transactional only: a partition's ready messages applied in one scope (one transaction) at a time. */
  batched?: BatchLimits;
  /** Batched only: done for all the messages of a shared transaction at its start (the inbox claims). */
  claims?: RunClaims<S>;
  /**
   * Batched only: commit offsets to Kafka at most this often (ms) rather than after every run
   * (deferred-offset-commits.ts). Unset: after every run, awaited.
   */
  offsetCommitIntervalMs?: number;
}

/** A message of a fetch, read and checked, with where it came from. */
interface ReadMessage<S> {
  readonly delivery: Delivery;
  readonly prepared: PreparedMessage<S>;
}

/** A readable message: what a batch's runs are made of. */
interface ReadyMessage<S> extends ReadMessage<S> {
  readonly prepared: Extract<PreparedMessage<S>, { valid: true }>;
}

/**
 * Runs what the consumer does about one message (its retries, its dead-lettering, a duplicate skipped) in the
 * message's trace and flow, so that those lines carry the ids its handler's lines carry (docs/design.md "Traces and logs").
 */
function inContextOf<S, T>(message: ReadMessage<S>, work: () => T): T {
  const correlationId = message.prepared.valid ? message.prepared.correlationId : undefined;
  return context.with(messageContext(message.delivery.message.headers, correlationId), work);
}

function isReady<S>(message: ReadMessage<S>): message is ReadyMessage<S> {
  return message.prepared.valid;
}

function runMessageOf<S>({ delivery, prepared }: ReadyMessage<S>): RunMessage {
  return { delivery, messageId: prepared.messageId, messageType: prepared.messageType };
}

/** A message that failed in a batch, handed to `settle` to be dealt with alone: its failure is its first attempt. */
interface CarriedFailure<S> {
  readonly message: ReadMessage<S>;
  readonly error: unknown;
  /** Its watch began when the batch began on it; "stuck since" does not start again. */
  readonly watched: WatchedMessage;
}

/** What one run of a batch came to. */
type RunOutcome<S> =
  /** The first `results.length` messages of the run committed together (all of it, unless the run was cut short). */
  | { kind: 'committed'; results: Array<'applied' | 'duplicate'> }
  /** Nothing committed: the handler of the run's message `index` failed with `error`. */
  | { kind: 'failed'; failure: CarriedFailure<S>; index: number }
  /** Nothing committed, and no one message to blame (the transaction could not begin or commit). */
  | { kind: 'unattributed' };

/**
 * The delivery loop the transactional and the at-least-once consumer share: validate, dead-letter
 * what can never be valid, apply with bounded retries, and only then commit the offset. Offsets are
 * committed explicitly (autoCommit off), after the effect they cover is final.
 *
 * Three ways of taking messages, one per consumer kind:
 * - one at a time (at-least-once): each message applied, then its offset committed;
 * - `batched` (transactional): the ready messages of a partition's fetch applied in one scope — one
 *   transaction with every inbox entry, effect and outbox row, shared with the other partitions of the fetch
 *   (group-commit.ts) — and its offset committed after it, shared as well: with the consumer's next offset commit
 *   when `offsetCommitIntervalMs` is set (deferred-offset-commits.ts), else at once (`onBatch`);
 * - `windowed` (at-least-once, opt-in): the same loop runs for up to `maxInFlight` messages of a partition
 *   at once and a `WindowedDispatcher` decides what may be committed: never past an unfinished message.
 */
export class ConsumerEngine<S> {
  private readonly routes = new Map<string, ConsumerRoute<S>>();
  private readonly policy: RetryPolicy;
  private readonly logger: MessagingLogger;
  private readonly deadLetterTopic: string;
  private readonly monitor: StuckMessageMonitor;
  private readonly windowed: WindowedConsumption | undefined;
  private readonly batched: BatchLimits | undefined;
  /** Batched: where the runs of the partitions being consumed share their transaction. */
  private readonly grouped: GroupCommit<S, RunMessage> | undefined;
  private readonly claims: RunClaims<S> | undefined;
  private readonly offsetCommits = new CoalescedOffsetCommits(async (offsets) => {
    if (!this.consumer) throw new ConsumerStoppingError('consumer stopping');
    await this.consumer.commitOffsets(offsets);
  });
  /** Batched with an offset commit interval: the runs' offsets, committed together (deferred-offset-commits.ts). */
  private readonly deferredCommits: DeferredOffsetCommits | undefined;
  private consumer: Consumer | undefined;
  private producer: Producer | undefined;
  private stopSignal = new AbortController();
  private running = false;
  /** Stopped by its owner (`stop`): a crash recovery under way does not start it again. */
  private closed = false;
  private readonly recovery: CrashRecovery;
  private dispatcher: WindowedDispatcher | undefined;
  private readonly lag: ConsumerLag | undefined;

  constructor(
    private readonly options: ConsumerOptions,
    private readonly scope: EffectScope<S>,
    consumption: Consumption<S> = {},
  ) {
    this.policy = { ...DEFAULT_RETRY_POLICY, ...options.retry };
    this.logger = options.logger ?? consoleLogger;
    this.deadLetterTopic = options.deadLetterTopic ?? defaultDeadLetterTopic;
    const { windowed, batched, offsetCommitIntervalMs, claims } = consumption;
    // Invalid limits fail here, at wiring time, not at the first message.
    if (windowed && batched) throw new Error('a consumer is windowed or batched, not both');
    if (windowed) WindowedDispatcher.limitsOf(windowed);
    if (batched && !(Number.isInteger(batched.maxMessages) && batched.maxMessages >= 1 && batched.maxDurationMs >= 0)) {
      throw new Error(`batch limits must be at least one message and a non-negative duration, not ${JSON.stringify(batched)}`);
    }
    this.windowed = windowed;
    this.batched = batched;
    if (claims && !batched) throw new Error('run claims are for batched consumption only');
    this.claims = claims;
    this.grouped = batched ? new GroupCommit<S, RunMessage>(scope, claims && ((shared, messages) => claims.claimAll(shared, messages))) : undefined;
    if (offsetCommitIntervalMs !== undefined && !batched) throw new Error('an offset commit interval is for batched consumption only');
    this.deferredCommits =
      offsetCommitIntervalMs === undefined
        ? undefined
        : new DeferredOffsetCommits(
            offsetCommitIntervalMs,
            async (offsets) => {
              await Promise.all(offsets.map((point) => this.offsetCommits.commit(point)));
            },
            (error, offsets) =>
              this.logger.info(
                { groupId: options.groupId, offsets, errorCode: errorCodeOf(error), error },
                'offset commit failed (a rebalance or a stop); whoever reads those partitions next reads the messages after the last committed offset again, and its inbox skips what was applied',
              ),
          );
    this.monitor = new StuckMessageMonitor({
      groupId: options.groupId,
      stuckAfterMs: options.stuckAfterMs ?? DEFAULT_STUCK_AFTER_MS,
      logger: this.logger,
      retryIntervalMs: this.policy.stalledRetryIntervalMs,
      windowed: windowed !== undefined,
    });
    this.lag = options.metrics?.consumerLag();
    this.recovery = new CrashRecovery({ stop: () => this.stopClient(), start: () => this.startClient(), closed: () => this.closed }, this.logger, options.groupId);
  }

  get groupId(): string {
    return this.options.groupId;
  }

  addRoute(topicName: string, route: ConsumerRoute<S>): void {
    if (this.running) throw new Error(`subscribe ${topicName} before start()`);
    if (this.routes.has(topicName)) throw new Error(`${topicName} is already subscribed in group ${this.groupId}`);
    this.routes.set(topicName, route);
  }

  /**
   * Connects, subscribes and starts consuming. With `waitForJoinMs`, resolves only once this member
   * has joined its group and knows where it starts reading (or was assigned nothing). Joining is not
   * enough: a new group that starts from the latest offset resolves that offset only when it first
   * fetches (retried while a new topic elects its leader), so a message sent before would be skipped.
   */
  async start(options: { waitForJoinMs?: number } = {}): Promise<void> {
    this.closed = false;
    await this.startClient(options);
  }

  private async startClient(options: { waitForJoinMs?: number } = {}): Promise<void> {
    if (this.running) return;
    if (this.routes.size === 0) throw new Error(`consumer group ${this.groupId} has no subscriptions`);
    const { kafka, groupId } = this.options;
    this.stopSignal = new AbortController();
    this.producer = createIdempotentProducer(kafka);
    const consumer = kafka.consumer({
      groupId,
      sessionTimeout: this.options.sessionTimeoutMs ?? 30_000,
      heartbeatInterval: this.options.heartbeatIntervalMs ?? 3_000,
      rebalanceTimeout: this.options.rebalanceTimeoutMs ?? 60_000,
      maxWaitTimeInMs: this.options.maxWaitTimeMs ?? 500,
      allowAutoTopicCreation: true,
    });
    this.consumer = consumer;
    if (this.lag) followLag(consumer, this.lag);
    const dispatcher = this.windowed ? this.newDispatcher(this.windowed) : undefined;
    this.dispatcher = dispatcher;
    // Positioned once a Fetch request was answered: kafkajs sends one only for partitions whose start
    // offset it has resolved. Its FETCH event is no proof: it fires as well after a first fetch that
    // failed to resolve "latest" (a new topic's "not the leader") and returned nothing.
    let markPositioned = (): void => undefined;
    const positioned = new Promise<void>((resolve) => (markPositioned = resolve));
    const stopWatchingFetches = consumer.on(consumer.events.REQUEST, (event) => {
      if (event.payload.apiName !== 'Fetch') return;
      stopWatchingFetches();
      markPositioned();
    });
    const joined = new Promise<void>((resolve) =>
      consumer.on(consumer.events.GROUP_JOIN, (event) => {
        const assignment = event.payload.memberAssignment;
        dispatcher?.assigned(assignment);
        // A member assigned nothing fetches nothing: there is nowhere for it to be positioned.
        if (Object.values(assignment).every((partitions) => partitions.length === 0)) markPositioned();
        resolve();
      }),
    );
    consumer.on(consumer.events.CRASH, (event) => {
      // kafkajs schedules its restart right after this event; a consumer stopped meanwhile must stay stopped,
      // and disconnecting on the next turn cancels that restart.
      if (consumer !== this.consumer) {
        if (event.payload.restart) setImmediate(() => void consumer.disconnect().catch(() => undefined));
        return;
      }
      this.logger.error(
        { groupId, error: event.payload.error, restart: event.payload.restart },
        event.payload.restart ? 'consumer crashed; kafkajs restarts it' : 'consumer crashed and kafkajs will not restart it: replacing it',
      );
      if (!event.payload.restart) void this.recovery.replace();
    });
    try {
      await this.producer.connect();
      await consumer.connect();
      await consumer.subscribe({ topics: [...this.routes.keys()], fromBeginning: this.options.fromBeginning ?? true });
      this.running = true;
      const partitionsConsumedConcurrently = this.options.partitionsConsumedConcurrently ?? 1;
      // Batches resolve offsets by hand: the fetch position moves only past messages taken (windowed) or
      // settled (batched), never past the rest of a batch left for the next owner.
      const batches = { autoCommit: false, partitionsConsumedConcurrently, eachBatchAutoResolve: false };
      const batched = this.batched;
      await consumer.run(
        dispatcher
          ? { ...batches, eachBatch: (payload: EachBatchPayload) => dispatcher.onBatch(payload) }
          : batched
            ? { ...batches, eachBatch: (payload: EachBatchPayload) => this.onBatch(payload, batched) }
            : { autoCommit: false, partitionsConsumedConcurrently, eachMessage: (payload) => this.onMessage(payload) },
      );
    } catch (error) {
      // Leave no half-started client behind (a connected producer keeps the process alive).
      this.running = false;
      await consumer.disconnect().catch(() => undefined);
      await this.producer.disconnect().catch(() => undefined);
      this.consumer = undefined;
      this.producer = undefined;
      this.dispatcher = undefined;
      throw error;
    }
    this.logger.info({ groupId, topics: [...this.routes.keys()], windowed: this.windowed, batched: this.batched }, 'consumer started');
    if (options.waitForJoinMs !== undefined) {
      await withTimeout(Promise.all([joined, positioned]), options.waitForJoinMs, `group ${groupId} did not join and fetch`);
    }
  }

  /**
   * Stops after the message in hand; a message that has not committed stays for the next consumer.
   * Windowed: stops taking messages, waits up to `drainTimeoutMs` for the handlers in flight, commits
   * what finished, and leaves the rest uncommitted.
   */
  async stop(): Promise<void> {
    this.closed = true;
    await this.stopClient();
  }

  private async stopClient(): Promise<void> {
    if (!this.running) return;
    this.running = false;
    this.stopSignal.abort();
    // Before the kafkajs consumer stops: after that it silently commits nothing. A run that ends from here on
    // commits its own offset before its batch returns (commitRun), and kafkajs waits for that batch.
    await this.deferredCommits?.flush();
    await this.dispatcher?.stop();
    this.dispatcher = undefined;
    await this.consumer?.disconnect();
    await this.producer?.disconnect();
    this.consumer = undefined;
    this.producer = undefined;
    this.monitor.clear();
    this.lag?.clear();
    this.logger.info({ groupId: this.groupId }, 'consumer stopped');
  }

  health(): ConsumerHealth {
    const health: ConsumerHealth = { running: this.running, stuck: this.monitor.stuck() };
    if (this.windowed) health.windows = this.dispatcher?.views() ?? [];
    return health;
  }

  private newDispatcher(windowed: WindowedConsumption): WindowedDispatcher {
    return new WindowedDispatcher(windowed, {
      groupId: this.groupId,
      logger: this.logger,
      policy: this.policy,
      heartbeatIntervalMs: this.options.heartbeatIntervalMs ?? 3_000,
      settle: (delivery, control) => this.settleOrAbandon(delivery, control),
      commit: async (offsets) => {
        if (!this.consumer) throw new ConsumerStoppingError('consumer stopping');
        await this.consumer.commitOffsets(offsets);
      },
      pauseAll: () => this.consumer?.pause([...this.routes.keys()].map((topic) => ({ topic }))),
    });
  }

  private async onMessage(payload: EachMessagePayload): Promise<void> {
    try {
      await this.processMessage(payload);
    } catch (error) {
      if (!(error instanceof ConsumerStoppingError)) throw error;
      // Returning (not throwing) keeps kafkajs quiet; nothing is committed, so the message is read again.
      const { topic, partition, message } = payload;
      this.logger.info({ groupId: this.groupId, topic, partition, offset: message.offset }, 'consumer stopping; message left uncommitted');
    }
  }

  private async processMessage({ topic, partition, message, heartbeat }: EachMessagePayload): Promise<void> {
    const delivery: Delivery = { groupId: this.groupId, topic, partition, offset: message.offset, message };
    await this.settle(this.read(delivery), { cancelled: () => !this.running, signal: this.stopSignal.signal, heartbeat });
    await this.commit(delivery);
  }

  /**
   * kafkajs `eachBatch` when batched: the batch's messages are settled in offset order, in runs. A run is the
   * readable messages from the next one on (at most `maxMessages`, begun within `maxDurationMs`) applied in one
   * scope (one transaction: inbox claims, effects, outbox rows) and, once that committed, its offset past its last
   * message handed to the next offset commit (`commitRun`). The partition's effects keep their order and land
   * exactly once, as one at a time would:
   *
   * - A handler that fails rolls the whole run back. The messages before it run again as a run of their own
   *   (they succeeded once against the same state) and commit; then the failing message is settled alone
   *   exactly as a consumer without batches does, its failure in the run counting as its first attempt:
   *   permanent → dead-lettered, then its offset committed; transient → retried with backoff, the partition
   *   waiting behind it. Then the batch goes on after it. No savepoint per message: a run that succeeds (the
   *   common case) costs no SAVEPOINT/RELEASE round trips and no subtransactions, and a failure costs one
   *   replay of the messages before it.
   * - A run that fails with no handler to blame (BEGIN or COMMIT failed) is not blamed on any one message: its
   *   messages are settled one at a time, each with its own retries.
   * - An unreadable message ends the run before it and is dead-lettered alone.
   * - A stop or a lost partition ends the run after the message in hand (it commits with those before it) and
   *   leaves the rest unresolved for the next owner; a run whose offset commit is then refused is read again
   *   and its inbox entries make the repeat a no-op.
   */
  private async onBatch({ batch, resolveOffset, heartbeat, isRunning, isStale }: EachBatchPayload, limits: BatchLimits): Promise<void> {
    const control: SettleControl = { cancelled: () => !this.running || !isRunning() || isStale(), signal: this.stopSignal.signal, heartbeat };
    const messages = batch.messages.map((message) => this.read({ groupId: this.groupId, topic: batch.topic, partition: batch.partition, offset: message.offset, message }));
    let next = 0;
    let carried: CarriedFailure<S> | undefined;
    // Up to here messages are settled one at a time, after a run that failed with no one to blame.
    let aloneUntil = 0;
    try {
      while (next < messages.length && !control.cancelled()) {
        let settled: number;
        if (carried?.message === messages[next] || next < aloneUntil || !messages[next]!.prepared.valid) {
          // Handed over: settle ends the carried watch, whatever happens.
          const handed = carried?.message === messages[next] ? carried : undefined;
          carried = undefined;
          await this.settle(messages[next]!, control, handed);
          settled = 1;
        } else {
          const run = this.runFrom(messages, next, limits.maxMessages, carried?.message);
          const outcome = await this.applyRun(run, control, limits);
          if (outcome.kind === 'failed') {
            if (carried) this.monitor.end(carried.watched, 'rolled back');
            carried = outcome.failure;
            // The messages before it go again as a run of their own; it waits for its turn.
            if (outcome.index === 0) continue;
            settled = 0;
          } else if (outcome.kind === 'unattributed') {
            aloneUntil = next + run.length;
            settled = 0;
          } else {
            settled = outcome.results.length;
            outcome.results.forEach((result, index) => {
              if (result === 'duplicate') this.logDuplicate(run[index]!);
            });
          }
        }
        if (settled > 0) {
          const last = messages[next + settled - 1]!.delivery;
          await this.commitRun(last);
          resolveOffset(last.offset);
          next += settled;
        }
        // Throws when the group rebalances: kafkajs then re-joins and re-fetches from the committed offsets.
        await heartbeat();
      }
    } catch (error) {
      if (!(error instanceof ConsumerStoppingError)) throw error;
      this.logger.info({ groupId: this.groupId, topic: batch.topic, partition: batch.partition, offset: messages[next]?.delivery.offset }, 'consumer stopping; the rest of the batch left uncommitted');
    } finally {
      if (carried) this.monitor.end(carried.watched, 'given up');
    }
  }

  /** The readable messages from `from` on, up to `max` and never past the first unreadable one or the one a failed run left to be settled alone. */
  private runFrom(messages: ReadonlyArray<ReadMessage<S>>, from: number, max: number, leftAlone: ReadMessage<S> | undefined): Array<ReadyMessage<S>> {
    const run: Array<ReadyMessage<S>> = [];
    for (let index = from; index < messages.length && run.length < max; index += 1) {
      const message = messages[index]!;
      if (!isReady(message) || message === leftAlone) break;
      run.push(message);
    }
    return run;
  }

  /**
   * Applies `run` in one scope, in order, each message watched by the stuck monitor while its handler runs
   * (the last one until the scope has committed). The scope is a transaction shared with the runs of the other
   * partitions handed in meanwhile (group-commit.ts); if one of theirs fails, this run is applied again. Stops
   * taking messages when the consumer stops, the partition is lost or the run has lasted `maxDurationMs`; the
   * first message is always applied.
   */
  private async applyRun(run: ReadonlyArray<ReadyMessage<S>>, control: SettleControl, limits: BatchLimits): Promise<RunOutcome<S>> {
    const began = Date.now();
    let results: Array<'applied' | 'duplicate'> = [];
    let watched: WatchedMessage | undefined;
    let failed: { index: number; error: unknown } | undefined;
    try {
      // Shared with the runs other partitions hand in meanwhile; run again if one of theirs failed.
      const work = async (scope: S): Promise<void> => {
        results = [];
        if (watched) {
          this.monitor.end(watched, 'rolled back');
          watched = undefined;
        }
        for (const [index, message] of run.entries()) {
          if (index > 0 && (control.cancelled() || Date.now() - began >= limits.maxDurationMs)) {
            // Claimed with the transaction's other messages, not applied: claimed, they would be skipped when read again.
            await this.claims?.giveBack(scope, run.slice(index).map(runMessageOf));
            break;
          }
          const { prepared, delivery } = message;
          if (watched) this.monitor.end(watched, 'settled');
          watched = this.monitor.begin(delivery, prepared.messageId);
          try {
            results.push(await prepared.apply(scope));
          } catch (error) {
            failed = { index, error };
            throw error;
          }
        }
      };
      await (this.grouped ? this.grouped.run(work, run.map(runMessageOf)) : this.scope.run(work));
    } catch (error) {
      if (failed && watched) return { kind: 'failed', index: failed.index, failure: { message: run[failed.index]!, error: failed.error, watched } };
      if (watched) this.monitor.end(watched, 'rolled back');
      const { topic, partition, offset } = run[0]!.delivery;
      this.logger.warn(
        { groupId: this.groupId, topic, partition, offset, messages: run.length, errorCode: errorCodeOf(error), error },
        'batch failed outside its handlers; nothing of it committed, its messages are applied one at a time',
      );
      return { kind: 'unattributed' };
    }
    if (watched) this.monitor.end(watched, 'settled');
    return { kind: 'committed', results };
  }

  /** The windowed dispatcher's view of `settle`: giving up is an outcome there, not an error. */
  private async settleOrAbandon(delivery: Delivery, control: SettleControl): Promise<'settled' | 'abandoned'> {
    try {
      await this.settle(this.read(delivery), control);
      return 'settled';
    } catch (error) {
      if (error instanceof ConsumerStoppingError) return 'abandoned';
      throw error;
    }
  }

  private read(delivery: Delivery): ReadMessage<S> {
    const route = this.routes.get(delivery.topic);
    return { delivery, prepared: route ? route.prepare(delivery) : { valid: false, reason: `no handler for topic ${delivery.topic}` } };
  }

  /**
   * Brings one message to its final state: dead-lettered (unreadable, or refused with a permanent
   * failure) or applied, retrying transient failures (of the handler, or of the dead-letter topic) with
   * backoff for as long as it takes. `carried`: the message already failed once in a batch; that failure
   * is its first attempt. Throws `ConsumerStoppingError` when `control` says to give it up, and whatever a
   * heartbeat throws on a rebalance; the caller then commits nothing for it.
   */
  private settle(message: ReadMessage<S>, control: SettleControl, carried?: CarriedFailure<S>): Promise<void> {
    return inContextOf(message, () => this.settleIn(message, control, carried));
  }

  private async settleIn(message: ReadMessage<S>, control: SettleControl, carried?: CarriedFailure<S>): Promise<void> {
    const { delivery, prepared } = message;
    const watched = carried?.watched ?? this.monitor.begin(delivery, prepared.valid ? prepared.messageId : undefined);
    let outcome: 'settled' | 'given up' = 'given up';
    try {
      for (let attempt = 1; ; attempt += 1) {
        if (control.cancelled()) throw new ConsumerStoppingError('consumer stopping');
        try {
          // The batch's failure is the first attempt: judged (dead-lettered if permanent), not run again.
          if (attempt === 1 && carried && prepared.valid) await this.refuseOrRethrow(delivery, prepared.messageId, carried.error);
          else await this.attempt(message);
          outcome = 'settled';
          return;
        } catch (error) {
          if (error instanceof ConsumerStoppingError) throw error;
          this.recordFailure(delivery, watched, attempt, error);
        }
        await this.waitBeforeRetry(backoffAfter(attempt, this.policy), control);
      }
    } finally {
      this.monitor.end(watched, outcome);
    }
  }

  /** One try: apply, or dead-letter what cannot be read or can never succeed. Throws what is worth retrying. */
  private async attempt({ delivery, prepared }: ReadMessage<S>): Promise<void> {
    if (!prepared.valid) {
      await this.deadLetter(delivery, undefined, { reason: prepared.reason });
      return;
    }
    let result: 'applied' | 'duplicate';
    try {
      result = await this.scope.run((scope) => prepared.apply(scope));
    } catch (error) {
      await this.refuseOrRethrow(delivery, prepared.messageId, error);
      return;
    }
    if (result === 'duplicate') this.logDuplicate({ delivery, prepared });
  }

  /** A handler failed: dead-letters the message when the failure is permanent, throws it when it is worth retrying. */
  private async refuseOrRethrow(delivery: Delivery, messageId: string, error: unknown): Promise<void> {
    if (classifyFailure(error, this.options.classifyFailure) === 'transient') throw error;
    // Its transaction rolled back: nothing of it was applied, not even the inbox entry, so a replay applies it.
    await this.deadLetter(delivery, messageId, { reason: `handler refused: ${errorText(error)}`, errorCode: errorCodeOf(error) });
  }

  private logDuplicate(message: ReadyMessage<S>): void {
    const { topic, partition, offset } = message.delivery;
    inContextOf(message, () => this.logger.info({ groupId: this.groupId, topic, partition, offset, messageId: message.prepared.messageId }, 'duplicate delivery skipped (inbox)'));
  }

  private recordFailure(delivery: Delivery, watched: WatchedMessage, attempt: number, error: unknown): void {
    this.monitor.failed(watched, error);
    const { topic, partition, offset } = delivery;
    const fields = { groupId: this.groupId, topic, partition, offset, messageId: watched.messageId, attempt, errorCode: errorCodeOf(error), error };
    if (!isStalled(attempt, this.policy)) {
      this.logger.warn(fields, 'attempt failed; nothing of it committed (effect rolled back, offset not committed), retrying');
      return;
    }
    this.logger.error(
      { ...fields, retryInMs: this.policy.stalledRetryIntervalMs },
      this.windowed
        ? 'MESSAGE STALLED: keeps failing; the partition’s committed offset waits behind it (the window goes on) until it succeeds or an operator acts'
        : 'MESSAGE STALLED: keeps failing; the partition waits behind it until it succeeds or an operator acts',
    );
  }

  /**
   * Waits while keeping the group membership alive; a rebalance or a stop ends the wait by throwing.
   * Windowed there is no heartbeat to give (the batch has returned; kafkajs heartbeats from its fetch
   * loop) and a revoked partition ends the wait through `control`.
   */
  private async waitBeforeRetry(ms: number, control: SettleControl): Promise<void> {
    const until = Date.now() + ms;
    const beat = control.heartbeat ? Math.max(100, Math.floor((this.options.heartbeatIntervalMs ?? 3_000) / 2)) : ms;
    while (Date.now() < until) {
      await sleep(Math.min(beat, until - Date.now()), control.signal);
      if (control.cancelled()) throw new ConsumerStoppingError('consumer stopping');
      // Throws when the group rebalances: kafkajs then re-joins and re-fetches from the committed offset.
      await control.heartbeat?.();
    }
  }

  /**
   * The message's effect never happens unless an operator replays it (`replayOf`), so the record and the
   * ERROR line carry everything that takes. A failed send throws and is retried like a handler failure:
   * the offset is not committed before the record is on the dead-letter topic.
   */
  private async deadLetter(delivery: Delivery, messageId: string | undefined, failure: DeadLetterFailure): Promise<void> {
    const { topic, partition, offset, message } = delivery;
    if (!this.producer) throw new ConsumerStoppingError('consumer stopping');
    await this.producer.send({
      topic: this.deadLetterTopic,
      acks: -1,
      messages: [buildDeadLetterMessage({ topic, partition, offset, consumerGroup: this.groupId, messageId, key: message.key, value: message.value, headers: message.headers }, failure)],
    });
    this.options.metrics?.deadLettered(topic);
    this.logger.error(
      {
        groupId: this.groupId,
        topic,
        partition,
        offset,
        messageId,
        errorCode: failure.errorCode,
        reason: failure.reason,
        deadLetterTopic: this.deadLetterTopic,
        action:
          'Nothing of this message was applied. Once its cause is fixed, republish the dead-letter record to its original topic ' +
          'unchanged (same message id; replayOf in @custody/messaging): this group applies it once, groups that had it skip it.',
      },
      `MESSAGE DEAD-LETTERED: ${topic}[${partition}] offset ${offset} (message ${messageId ?? 'unreadable'}) will never be applied as it is: ${failure.reason}`,
    );
  }

  private async commit(delivery: Delivery): Promise<void> {
    if (!this.consumer) throw new ConsumerStoppingError('consumer stopping');
    await this.offsetCommits.commit(nextToRead(delivery));
  }

  /**
   * A batch's settled messages up to `last`: their offset committed with the next flush while the consumer runs; once
   * it is stopping, at once (the stop has flushed what was pending, and leaves the group only after this batch).
   */
  private async commitRun(last: Delivery): Promise<void> {
    if (this.deferredCommits && this.running) this.deferredCommits.add(nextToRead(last));
    else await this.commit(last);
  }
}

/** The committed offset is the next one to read. */
function nextToRead(delivery: Delivery): PartitionOffset {
  return { topic: delivery.topic, partition: delivery.partition, offset: (BigInt(delivery.offset) + 1n).toString() };
}

async function withTimeout<T>(promise: Promise<T>, ms: number, message: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  try {
    return await Promise.race([
      promise,
      new Promise<never>((_resolve, reject) => {
        timer = setTimeout(() => reject(new Error(`${message} within ${ms} ms`)), ms);
      }),
    ]);
  } finally {
    clearTimeout(timer);
  }
}

/** What every consumer variant exposes; they differ only in how a message's effect is applied (their routes and scope). */
export abstract class EngineBackedConsumer<S> {
  protected constructor(protected readonly engine: ConsumerEngine<S>) {}

  /** Routes a topic: its records are decoded and validated against the topic's schema, then `apply`'d in a scope. */
  protected route<T>(topic: TopicDef<T>, apply: (envelope: EventEnvelope<T>, delivery: Delivery, scope: S) => Promise<'applied' | 'duplicate'>): void {
    this.engine.addRoute(topic.name, {
      prepare: (delivery) => {
        const decoded = decodeEnvelope(topic, delivery.message.value);
        if (!decoded.ok) return { valid: false, reason: decoded.reason };
        const envelope = decoded.envelope;
        // One span per message, child of its producer's context: what the handler writes carries the trace on.
        const traced = { topic: delivery.topic, headers: delivery.message.headers, messageId: envelope.id, correlationId: envelope.correlationId };
        return {
          valid: true,
          messageId: envelope.id,
          messageType: envelope.type,
          correlationId: envelope.correlationId,
          apply: (scope) => inMessageSpan(traced, () => apply(envelope, delivery, scope)),
        };
      },
    });
  }

  start(options: { waitForJoinMs?: number } = {}): Promise<void> {
    return this.engine.start(options);
  }

  stop(): Promise<void> {
    return this.engine.stop();
  }

  health(): ConsumerHealth {
    return this.engine.health();
  }
}
