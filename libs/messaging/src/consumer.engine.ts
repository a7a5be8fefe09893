import { deadLetterTopic as defaultDeadLetterTopic, type EventEnvelope, type TopicDef } from '@custody/contracts';
import type { Consumer, EachBatchPayload, EachMessagePayload, Kafka, KafkaMessage, Producer } from 'kafkajs';
import { buildDeadLetterMessage, type DeadLetterFailure } from './dead-letter';
import { decodeEnvelope } from './envelope.codec';
import { classifyFailure, errorCodeOf, errorText, type FailureClassifier } from './failure-class';
import { createIdempotentProducer } from './kafka.factory';
import { consoleLogger, type MessagingLogger } from './messaging.logger';
import { backoffAfter, DEFAULT_RETRY_POLICY, isStalled, sleep, type RetryPolicy } from './retry.policy';
import { DEFAULT_STUCK_AFTER_MS, type StuckMessage, StuckMessageMonitor, type WatchedMessage } from './stuck-monitor';
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
}

/** Where a message came from; given to routes for the inbox and to the dead-letter record. */
export interface Delivery {
  groupId: string;
  topic: string;
  partition: number;
  offset: string;
  message: KafkaMessage;
}

export type PreparedMessage =
  | { valid: false; reason: string }
  | { valid: true; messageId: string; messageType: string; apply: () => Promise<'applied' | 'duplicate'> };

/** One subscribed topic: how to read its records and what applying one means for this consumer. */
export interface ConsumerRoute {
  prepare(delivery: Delivery): PreparedMessage;
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

/**
 * The delivery loop the transactional and the at-least-once consumer share: validate, dead-letter
 * what can never be valid, apply with bounded retries, and only then commit the offset. Offsets are
 * committed explicitly (autoCommit off) one message at a time, right after its effect is final.
 *
 * With `windowed` (at-least-once consumer only) the same loop runs for up to `maxInFlight` messages
 * of a partition at once and a `WindowedDispatcher` decides what may be committed: never past an
 * unfinished message.
 */
export class ConsumerEngine {
  private readonly routes = new Map<string, ConsumerRoute>();
  private readonly policy: RetryPolicy;
  private readonly logger: MessagingLogger;
  private readonly deadLetterTopic: string;
  private readonly monitor: StuckMessageMonitor;
  private consumer: Consumer | undefined;
  private producer: Producer | undefined;
  private stopSignal = new AbortController();
  private running = false;
  private dispatcher: WindowedDispatcher | undefined;

  constructor(
    private readonly options: ConsumerOptions,
    private readonly windowed?: WindowedConsumption,
  ) {
    this.policy = { ...DEFAULT_RETRY_POLICY, ...options.retry };
    this.logger = options.logger ?? consoleLogger;
    this.deadLetterTopic = options.deadLetterTopic ?? defaultDeadLetterTopic;
    // Invalid limits fail here, at wiring time, not at the first message.
    if (windowed) WindowedDispatcher.limitsOf(windowed);
    this.monitor = new StuckMessageMonitor({
      groupId: options.groupId,
      stuckAfterMs: options.stuckAfterMs ?? DEFAULT_STUCK_AFTER_MS,
      logger: this.logger,
      retryIntervalMs: this.policy.stalledRetryIntervalMs,
      windowed: windowed !== undefined,
    });
  }

  get groupId(): string {
    return this.options.groupId;
  }

  addRoute(topicName: string, route: ConsumerRoute): void {
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
        event.payload.restart ? 'consumer crashed; kafkajs restarts it' : 'CONSUMER CRASHED AND WILL NOT RESTART',
      );
    });
    try {
      await this.producer.connect();
      await consumer.connect();
      await consumer.subscribe({ topics: [...this.routes.keys()], fromBeginning: this.options.fromBeginning ?? true });
      this.running = true;
      const partitionsConsumedConcurrently = this.options.partitionsConsumedConcurrently ?? 1;
      await consumer.run(
        dispatcher
          ? // Offsets are resolved by hand: only past messages taken into a window, never past the rest of a batch.
            { autoCommit: false, partitionsConsumedConcurrently, eachBatchAutoResolve: false, eachBatch: (payload: EachBatchPayload) => dispatcher.onBatch(payload) }
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
    this.logger.info({ groupId, topics: [...this.routes.keys()], windowed: this.windowed }, 'consumer started');
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
    if (!this.running) return;
    this.running = false;
    this.stopSignal.abort();
    // Before the kafkajs consumer stops: after that it silently commits nothing.
    await this.dispatcher?.stop();
    this.dispatcher = undefined;
    await this.consumer?.disconnect();
    await this.producer?.disconnect();
    this.consumer = undefined;
    this.producer = undefined;
    this.monitor.clear();
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
    await this.settle(delivery, { cancelled: () => !this.running, signal: this.stopSignal.signal, heartbeat });
    await this.commit(delivery);
  }

  /** The windowed dispatcher's view of `settle`: giving up is an outcome there, not an error. */
  private async settleOrAbandon(delivery: Delivery, control: SettleControl): Promise<'settled' | 'abandoned'> {
    try {
      await this.settle(delivery, control);
      return 'settled';
    } catch (error) {
      if (error instanceof ConsumerStoppingError) return 'abandoned';
      throw error;
    }
  }

  /**
   * Brings one message to its final state: dead-lettered (unreadable, or refused with a permanent
   * failure) or applied, retrying transient failures (of the handler, or of the dead-letter topic) with
   * backoff for as long as it takes. Throws `ConsumerStoppingError` when `control` says to give it up,
   * and whatever a heartbeat throws on a rebalance; the caller then commits nothing for it.
   */
  private async settle(delivery: Delivery, control: SettleControl): Promise<void> {
    const { topic } = delivery;
    const route = this.routes.get(topic);
    const prepared: PreparedMessage = route ? route.prepare(delivery) : { valid: false, reason: `no handler for topic ${topic}` };
    const watched = this.monitor.begin(delivery, prepared.valid ? prepared.messageId : undefined);
    let outcome: 'settled' | 'given up' = 'given up';
    try {
      for (let attempt = 1; ; attempt += 1) {
        if (control.cancelled()) throw new ConsumerStoppingError('consumer stopping');
        try {
          await this.attempt(delivery, prepared);
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
  private async attempt(delivery: Delivery, prepared: PreparedMessage): Promise<void> {
    if (!prepared.valid) {
      await this.deadLetter(delivery, undefined, { reason: prepared.reason });
      return;
    }
    let result: 'applied' | 'duplicate';
    try {
      result = await prepared.apply();
    } catch (error) {
      if (classifyFailure(error, this.options.classifyFailure) === 'transient') throw error;
      // Its transaction rolled back: nothing of it was applied, not even the inbox entry, so a replay applies it.
      await this.deadLetter(delivery, prepared.messageId, { reason: `handler refused: ${errorText(error)}`, errorCode: errorCodeOf(error) });
      return;
    }
    if (result === 'duplicate') {
      const { topic, partition, offset } = delivery;
      this.logger.info({ groupId: this.groupId, topic, partition, offset, messageId: prepared.messageId }, 'duplicate delivery skipped (inbox)');
    }
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
    // The committed offset is the next one to read.
    await this.consumer.commitOffsets([{ topic: delivery.topic, partition: delivery.partition, offset: (BigInt(delivery.offset) + 1n).toString() }]);
  }
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

/** What every consumer variant exposes; they differ only in how a message's effect is applied (their routes). */
export abstract class EngineBackedConsumer {
  protected constructor(protected readonly engine: ConsumerEngine) {}

  /** Routes a topic: its records are decoded and validated against the topic's schema, then `apply`'d. */
  protected route<T>(topic: TopicDef<T>, apply: (envelope: EventEnvelope<T>, delivery: Delivery) => Promise<'applied' | 'duplicate'>): void {
    this.engine.addRoute(topic.name, {
      prepare: (delivery) => {
        const decoded = decodeEnvelope(topic, delivery.message.value);
        if (!decoded.ok) return { valid: false, reason: decoded.reason };
        const envelope = decoded.envelope;
        return { valid: true, messageId: envelope.id, messageType: envelope.type, apply: () => apply(envelope, delivery) };
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
