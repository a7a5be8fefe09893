import { randomBytes } from 'node:crypto';
import {
  bankAccountRequestReceived,
  bankCallCompleted,
  bankCallRequestedFor,
  bankOfCallTopic,
  bankFilesReceived,
  bankFileStepCompleted,
  bankFileStepRequested,
  bankReplyReadyFor,
  bankRequestReceived,
  bankStatusReported,
  type SealedSecret,
} from '@custody/contracts';
import {
  AtLeastOnceConsumer,
  type ConsumerHealth,
  type ConsumerOptions,
  ensureTopics,
  type MessagingLogger,
  MessagingMetrics,
  OutboxRelay,
  TransactionalConsumer,
} from '@custody/messaging';
import { type BankConfig, type BusinessCalendar, ChinaCalendarDate, classifyMessageFailure, type MigrationPolicy, NamespacedOutbox, prepareSchema, type TopicNamespace } from '@custody/service-kit';
import type { Kafka } from 'kafkajs';
import type { Registry } from 'prom-client';
import { createDataSource } from '@custody/persistence';
import { type AdapterTimings, timingsFor } from './adapter-settings';
import { BANK_ADAPTER_SCHEMA } from './bank-adapter.schema';
import { BankCallExecutor } from './calls/bank-call.executor';
import { BankCallHandler } from './calls/bank-call.handler';
import { OpossumCallBreaker } from './calls/bank-circuit-breaker';
import type { SecretOpener } from './calls/call-to-message.mapper';
import { PostgresCallClaims } from './calls/call-claims.repository';
import { RedisCompletedCallStore } from './calls/completed-call.store';
import { BankAnnouncementRepository } from './files/bank-announcements.repository';
import { BankFileRequests } from './files/bank-file.requests';
import { FileStepRequestedHandler } from './files/file-step-requested.handler';
import { FileStepRunner } from './files/file-step.runner';
import { FileStepWorker } from './files/file-step.worker';
import { FileStepRepository } from './files/file-steps.repository';
import { FileTransferTracker } from './files/file-transfer.tracker';
import { ReconciliationFileSink } from './files/reconciliation-file.sink';
import { ReconciliationFileSource } from './files/reconciliation-file.source';
import type { DayFileStore } from './files/reconciliation-files.client';
import type { AdapterStatus, AdapterStatusSource } from './http/adapter-status';
import { BankReplyHandler } from './inbound/bank-reply.handler';
import type { FundPasswordChecker } from './inbound/fund-password.verifier';
import { InboundRequestBridge } from './inbound/inbound-request.bridge';
import { RedisOrphanedReplies } from './inbound/orphaned-replies';
import { type AdapterLogger, describeError } from './platform/adapter-logger';
import { AdapterMetrics } from './platform/adapter-metrics';
import { InboundAdmission } from './inbound/inbound-admission';
import { startAdapterRetention } from './platform/adapter-retention';
import { KafkaEnvelopePublisher } from './platform/envelope.publisher';
import { createRedis, RedisKeys, redisReady } from './platform/redis-client';
import { RedisSerialBlockSource } from './serials/serial-block.source';
import { SystemSerialIssuer } from './serials/system-serial-issuer';
import { ProtocolSessionConnector } from './sessions/bank-session.connector';
import { BankSessionPool } from './sessions/bank-session-pool';
import { InstanceAnnouncer, RedisSessionRegistry } from './sessions/session-registry';
import { StatusBroadcastingRegistry } from './sessions/status-broadcast.registry';

export interface BankAdapterOptions {
  readonly bank: BankConfig;
  readonly brokerInstId: string;
  /** The bank's exchange key, resolved from its secret reference. */
  readonly exchangeKey: Buffer;
  readonly namespace: TopicNamespace;
  readonly kafka: Kafka;
  readonly redisUrl: string;
  /** The adapter's own schema (`bank_adapter`): the durable call claims every replica reads. */
  readonly databaseUrl: string;
  /** Whether the adapter migrates its schema at start (the default) or only checks it is current (CUSTODY_MIGRATIONS). */
  readonly migrationPolicy?: MigrationPolicy;
  /** Opens the secrets of calls (passwords, ID numbers) and seals the ID numbers of the bank's own requests. */
  readonly secrets: SecretOpener & { seal(clear: string): SealedSecret };
  /** Verifies fund passwords of bank-initiated withdrawals; without it 12002 B is answered 2033. */
  readonly fundPasswords?: FundPasswordChecker;
  /**
   * Where the day files are kept (the reconciliation service's file API). Without it the adapter takes no file
   * step (they wait in Kafka) and the bank's file requests (13005–13009) are answered 2033.
   */
  readonly dayFiles?: DayFileStore;
  readonly logger: AdapterLogger;
  readonly messagingLogger?: MessagingLogger;
  readonly timings?: Partial<AdapterTimings>;
  readonly calendar?: BusinessCalendar;
  /** Consumer tuning (tests pass faster group timings) and when a message holding its partition is reported stuck. */
  /** The process's metrics registry (`GET /metrics`); without it (tests) nothing is measured. */
  readonly metrics?: Registry;
  readonly consumerTuning?: Pick<ConsumerOptions, 'sessionTimeoutMs' | 'heartbeatIntervalMs' | 'rebalanceTimeoutMs' | 'maxWaitTimeMs' | 'retry' | 'stuckAfterMs'>;
}

export interface RunningBankAdapter extends AdapterStatusSource {
  readonly instanceId: string;
  /** Its consumers (calls, replies, file steps), for `/health` to report a stuck partition. */
  readonly consumers: ReadonlyArray<{ health(): ConsumerHealth }>;
  stop(): Promise<void>;
}

const PARTITIONS = 8;
const JOIN_TIMEOUT_MS = 30_000;
const REDIS_START_WAIT_MS = 2_000;
const SHUTDOWN_DRAIN_MS = 5_000;
/** Beyond the bank's connect timeout, how long the first sign-ins may take before calls are taken anyway. */
const FIRST_SIGN_IN_GRACE_MS = 5_000;

/** Calls to the bank handled at once: what its sessions can carry together. */
export function callWindowFor(bank: Pick<BankConfig, 'sessions' | 'maxInFlightPerSession'>): number {
  return bank.sessions * bank.maxInFlightPerSession;
}

/**
 * The adapter for one bank, wired: sessions, breaker, the two Kafka edges, Redis-shared state and the
 * durable call claims. The HTTP edge is added by `main.ts`; tests run this core alone against a bank of
 * their own.
 *
 * Everything is built before anything starts, and nothing starts before what it calls exists. Start order:
 * 1. the reply consumer, a new group per process that starts at the latest offsets: it must have joined
 *    before any session can carry a bank request, or an early reply could land before its starting
 *    point. On restart the old process's pending requests died with its connections (a session does not
 *    outlive its connection, profile §2), so the replies to them can never be written anyway: starting at
 *    "latest" skips nothing that could still be delivered, and the bank resolves those requests itself
 *    (F-4.3 B). Replies that do arrive for the dead instance are reported once by a replica (see
 *    BankReplyHandler). Left-over per-instance groups hold no members and expire with Kafka's offset
 *    retention;
 * 2. the sessions, and the wait for their first round: a session signed in, or every slot failed once;
 * 3. only then the call consumer, so the adapter takes no call before it can tell whether it can send
 *    one. A bank that is unreachable at start is reported (ERROR) and its calls are then failed fast, as
 *    NOT_SENT, rather than left to the saga's deadline;
 * 4. with day files configured, the file-step consumer (its own group, transactional: a step is recorded in
 *    the adapter's schema with its inbox entry) and the worker that runs the steps. The outbox relay that
 *    publishes what the steps and the bank's 13005s commit starts before any session, since the bank may
 *    announce its files as soon as one is signed in.
 * A step that fails stops what was started and rejects: the process exits with the reason (main.ts).
 *
 * The call consumer is the bank's one durable group. It also starts at "latest" when it has no
 * committed offsets (first deployment, or offsets expired after a long outage): replaying history
 * would send calls the saga long since settled by its own deadline. Calls skipped that way are covered
 * by the saga's persisted deadline (NO_REPLY → query/resend).
 */
export async function startBankAdapter(options: BankAdapterOptions): Promise<RunningBankAdapter> {
  const { bank, namespace, kafka, logger } = options;
  const instanceId = randomBytes(6).toString('hex');
  const startedAt = new Date().toISOString();
  const timings = timingsFor(bank, options.timings);
  const calendar = options.calendar ?? new ChinaCalendarDate();
  const messagingLogger = options.messagingLogger ?? logger;
  const started: Array<{ what: string; stop: () => Promise<unknown> | void }> = [];
  const stopStarted = async (): Promise<void> => {
    for (const step of started.reverse()) await Promise.resolve(step.stop()).catch((error: unknown) => logger.warn({ step: step.what, error: describeError(error) }, 'not stopped cleanly'));
  };

  try {
    const redis = createRedis(options.redisUrl, logger);
    started.push({ what: 'redis', stop: () => redis.disconnect() });
    const keys = new RedisKeys(namespace, bank.code);
    await redisReady(redis, REDIS_START_WAIT_MS);
    const serials = new SystemSerialIssuer(new RedisSerialBlockSource(redis, keys), calendar, logger);
    await serials.prime();

    const dataSource = await createDataSource({ ...BANK_ADAPTER_SCHEMA, databaseUrl: options.databaseUrl, poolSize: 4, applicationName: `bank-adapter-${bank.code}` });
    started.push({ what: 'database', stop: () => dataSource.destroy() });
    await prepareSchema(dataSource, options.migrationPolicy ?? 'migrate');
    const messagingMetrics = options.metrics && new MessagingMetrics(options.metrics);
    messagingMetrics?.watchOutbox(dataSource, BANK_ADAPTER_SCHEMA.schema);
    const adapterMetrics = options.metrics && new AdapterMetrics(options.metrics, bank.code);

    // The bank's own calls topic, never another bank's. The saga creates every configured bank's at its start too:
    // whichever of the two starts first, the topic is there.
    const callTopic = namespace.topic(bankCallRequestedFor(bank.code));
    await ensureTopics(
      kafka,
      [bankCallRequestedFor(bank.code), bankCallCompleted, bankRequestReceived, bankAccountRequestReceived, bankReplyReadyFor(bank.code), bankStatusReported, bankFileStepRequested, bankFileStepCompleted, bankFilesReceived]
        .map((topic) => namespace.name(topic.name))
        .concat(namespace.deadLetterTopic),
      { partitions: PARTITIONS },
    );
    const retention = await startAdapterRetention(dataSource, kafka, { calls: await everyBankCallTopic(kafka, namespace), inbox: [namespace.name(bankFileStepRequested.name)] }, logger);
    started.push({ what: 'retention', stop: () => retention.stop() });
    const publisher = new KafkaEnvelopePublisher(kafka, namespace);
    await publisher.connect();
    started.push({ what: 'publisher', stop: () => publisher.disconnect() });
    // What the file steps and the bank's 13005s commit is published from the adapter's own outbox.
    const outbox = new NamespacedOutbox(BANK_ADAPTER_SCHEMA.schema, namespace);
    const relay = new OutboxRelay({ dataSource, kafka, databaseUrl: options.databaseUrl, logger: messagingLogger });
    await relay.start();
    started.push({ what: 'outbox relay', stop: () => relay.stop() });

    // Built, not started: every object below exists before any of them can call another.
    const registry = new StatusBroadcastingRegistry(new RedisSessionRegistry(redis, keys, timings.registryRefreshMs * 3), publisher, logger);
    const orphans = new RedisOrphanedReplies(redis, keys);
    const parts = buildParts();
    const { sessions, breaker, bridge, calls, replies, announcer, status, files } = parts;
    adapterMetrics?.watch(status);
    if (!files) logger.warn({ bankCode: bank.code }, 'no reconciliation service configured (CUSTODY_RECONCILIATION_URL): no day files with this bank — file steps wait, its file requests are answered 2033');

    await replies.start({ waitForJoinMs: JOIN_TIMEOUT_MS });
    started.push({ what: 'reply consumer', stop: () => replies.stop() });
    announcer.start();
    started.push({ what: 'announcer', stop: () => announcer.stop(instanceId) });
    sessions.start();
    started.push({ what: 'sessions', stop: () => sessions.stop() });
    const firstRound = await Promise.race([sessions.firstRound(), delay(timings.connectTimeoutMs + FIRST_SIGN_IN_GRACE_MS, 'still signing in' as const)]);
    if (firstRound !== 'up') {
      logger.error(
        { bankCode: bank.code, instanceId, host: bank.host, port: bank.port, firstRound },
        'NO SESSION TO THE BANK AT START: taking calls anyway and failing them fast (NOT_SENT) until a session signs in; check the bank endpoint and the exchange key',
      );
    }
    await calls.start({ waitForJoinMs: JOIN_TIMEOUT_MS });
    started.push({ what: 'call consumer', stop: () => calls.stop() });
    if (files) {
      await files.steps.start({ waitForJoinMs: JOIN_TIMEOUT_MS });
      started.push({ what: 'file-step consumer', stop: () => files.steps.stop() });
      files.worker.start();
      started.push({ what: 'file-step worker', stop: () => files.worker.stop() });
    }
    logger.info({ bankCode: bank.code, instanceId, sessions: bank.sessions, sessionsUp: sessions.upCount, host: bank.host, port: bank.port, dayFiles: files !== undefined }, 'bank adapter started');

    let stopped: Promise<void> | undefined;
    const stop = async (): Promise<void> => {
      // Stop taking calls and steps first (a step in hand is given back), let answers to the bank's own
      // requests go out, then sign off.
      await calls.stop();
      await files?.steps.stop();
      await files?.worker.stop();
      await bridge.drain(Math.min(bank.replyDeadlineMs, SHUTDOWN_DRAIN_MS));
      await sessions.stop();
      await replies.stop();
      bridge.stop();
      breaker.shutdown();
      await announcer.stop(instanceId);
      const current = status();
      await registry
        .reportStopping({ instanceId, bankCode: bank.code, startedAt, updatedAt: new Date().toISOString(), sessions: current.sessions, breaker: current.breaker })
        .catch(() => undefined);
      await publisher.disconnect();
      await relay.stop();
      await files?.sink.close();
      await retention.stop();
      await dataSource.destroy();
      redis.disconnect();
      logger.info({ bankCode: bank.code, instanceId }, 'bank adapter stopped');
    };
    return { instanceId, status, consumers: files ? [calls, replies, files.steps] : [calls, replies], stop: () => (stopped ??= stop()) };

    function buildParts() {
      const breaker = new OpossumCallBreaker(
        {
          resetTimeoutMs: timings.breakerResetTimeoutMs,
          volumeThreshold: timings.breakerVolumeThreshold,
          errorThresholdPercentage: timings.breakerErrorThresholdPercentage,
          rollingWindowMs: timings.breakerRollingWindowMs,
        },
        logger,
        `bank-${bank.code}`,
        () => announcer.announceNow(),
      );
      const bridge: InboundRequestBridge = new InboundRequestBridge(
        { bankCode: bank.code, brokerInstId: options.brokerInstId, instanceId, replyDeadlineMs: bank.replyDeadlineMs, abandonAfterMs: timings.inboundAbandonAfterMs },
        {
          publisher,
          calendar,
          logger,
          sessionAlive: (sessionId: string): boolean => sessions.find(sessionId) !== undefined,
          fundPasswords: options.fundPasswords,
          sealer: options.secrets,
          admission: new InboundAdmission(bank.code, timings.inboundTargetMs, logger, () => adapterMetrics?.requestShed()),
        },
      );
      // Profile §7 step 8: keys roll only on a session with no file transfer; the bank's own file goes quiet
      // for good after twice its request timeout without a chunk.
      const transfers = new FileTransferTracker(bank.requestTimeoutMs * 2);
      const files = options.dayFiles ? buildFileParts(options.dayFiles, transfers) : undefined;
      const connector = new ProtocolSessionConnector(
        {
          host: bank.host,
          port: bank.port,
          bankCode: bank.code,
          brokerInstId: options.brokerInstId,
          checksumMode: bank.checksum,
          exchangeKey: options.exchangeKey,
          maxInFlight: bank.maxInFlightPerSession,
          requestTimeoutMs: bank.requestTimeoutMs,
          heartbeatIntervalMs: timings.heartbeatIntervalMs,
          connectTimeoutMs: timings.connectTimeoutMs,
        },
        serials,
        (sessionId) => (files ? files.requests.handlerFor(sessionId, bridge.handlerFor(sessionId)) : bridge.handlerFor(sessionId)),
        logger,
      );
      const sessions: BankSessionPool = new BankSessionPool(
        {
          size: bank.sessions,
          maxInFlightPerSession: bank.maxInFlightPerSession,
          keyRollIntervalMs: timings.keyRollIntervalMs,
          backoff: { initialDelayMs: timings.reconnectInitialDelayMs, maxDelayMs: timings.reconnectMaxDelayMs },
          signOffTimeoutMs: timings.signOffTimeoutMs,
        },
        {
          connector,
          logger,
          fileTransfers: transfers,
          listener: {
            sessionUp: () => announcer.announceNow(),
            sessionDown: (session, reason) => {
              bridge.sessionClosed(session.id, reason);
              transfers.sessionClosed(session.id);
              announcer.announceNow();
            },
          },
        },
      );
      const executor = new BankCallExecutor(
        { bankCode: bank.code, brokerInstId: options.brokerInstId, requestTimeoutMs: bank.requestTimeoutMs, instanceId },
        sessions,
        breaker,
        options.secrets,
        new PostgresCallClaims(dataSource),
        { timings: adapterMetrics },
      );
      const callHandler = new BankCallHandler(executor, new RedisCompletedCallStore(redis, keys), publisher, logger);
      const replyHandler = new BankReplyHandler(bank.code, instanceId, bridge, registry, orphans, logger);

      const consumerBase = { kafka, deadLetterTopic: namespace.deadLetterTopic, fromBeginning: false, logger: messagingLogger, metrics: messagingMetrics, ...options.consumerTuning };
      // All calls to this bank share its key, hence one partition. Windowed, as many calls are in flight as
      // the bank accepts (its sessions × maxInFlightPerSession, pipelined per session), and an unanswered
      // one holds only the commit point, not the calls behind it. The handler keeps one account's calls in
      // order. Stopping gives a written request its full reply time before leaving it uncommitted.
      const calls = new AtLeastOnceConsumer({
        ...consumerBase,
        groupId: namespace.group(`bank-adapter-${bank.code}`),
        windowed: { maxInFlight: callWindowFor(bank), drainTimeoutMs: bank.requestTimeoutMs + SHUTDOWN_DRAIN_MS },
      }).subscribe(callTopic, (envelope) => callHandler.handle(envelope));
      const replies = new AtLeastOnceConsumer({ ...consumerBase, groupId: namespace.group(`bank-adapter-${bank.code}-${instanceId}`) }).subscribe(
        namespace.topic(bankReplyReadyFor(bank.code)),
        (envelope) => replyHandler.handle(envelope),
      );

      const fileSteps = files && {
        ...files,
        steps: new TransactionalConsumer({
          ...consumerBase,
          // Its own group, apart from the calls: a step that runs for minutes never holds a call. Recorded
          // steps are kept, so reading the topic from its beginning (a new group) runs nothing twice.
          groupId: namespace.group(`bank-adapter-${bank.code}-files`),
          fromBeginning: true,
          dataSource,
          classifyFailure: classifyMessageFailure,
        }).subscribe(namespace.topic(bankFileStepRequested), (envelope, manager) => files.stepRequests.handle(envelope, manager)),
        worker: new FileStepWorker(
          { bankCode: bank.code, instanceId, leaseMs: timings.fileStepLeaseMs, pollMs: timings.fileStepPollMs },
          { steps: files.stepRepository, dataSource, outbox, runner: files.runner, sessions, transfers, logger },
        ),
      };

      const status = (): AdapterStatus => ({
        bankCode: bank.code,
        name: bank.name,
        lead: bank.lead,
        instanceId,
        startedAt,
        sessions: { up: sessions.upCount, total: sessions.size, detail: sessions.views() },
        breaker: breaker.state,
        pendingBankRequests: bridge.pendingCount,
        consumers: { calls: calls.health().running, replies: replies.health().running, ...(fileSteps ? { fileSteps: fileSteps.steps.health().running } : {}) },
      });
      const announcer = new InstanceAnnouncer(
        registry,
        () => {
          const current = status();
          return { instanceId, bankCode: bank.code, startedAt, updatedAt: new Date().toISOString(), sessions: current.sessions, breaker: current.breaker };
        },
        timings.registryRefreshMs,
        logger,
      );
      return { sessions, breaker, bridge, calls, replies, announcer, status, files: fileSteps };
    }

    /** The day files with the bank (bank-protocol.md §5), all kept by the reconciliation service. */
    function buildFileParts(store: DayFileStore, transfers: FileTransferTracker) {
      const sink = new ReconciliationFileSink(store);
      const source = new ReconciliationFileSource(store);
      const stepRepository = new FileStepRepository(dataSource);
      return {
        sink,
        stepRepository,
        stepRequests: new FileStepRequestedHandler(bank.code, stepRepository, logger),
        runner: new FileStepRunner({ store, sink, limits: { requestTimeoutMs: bank.requestTimeoutMs } }),
        requests: new BankFileRequests(bank.code, {
          sink,
          source,
          announcements: new BankAnnouncementRepository(dataSource),
          dataSource,
          outbox,
          serials,
          transfers,
          logger,
        }),
      };
    }
  } catch (error) {
    await stopStarted();
    throw error;
  }
}

/** The calls topics of every bank in the namespace, this adapter's bank's among them (it has just made sure of it). */
async function everyBankCallTopic(kafka: Kafka, namespace: TopicNamespace): Promise<string[]> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    return (await admin.listTopics()).filter((name) => {
      const contractName = namespace.contractName(name);
      return contractName !== undefined && bankOfCallTopic(contractName) !== undefined;
    });
  } finally {
    await admin.disconnect();
  }
}

function delay<T>(ms: number, value: T): Promise<T> {
  return new Promise((resolve) => setTimeout(() => resolve(value), ms).unref());
}
