import { Logger, type DynamicModule, type INestApplication, type Provider } from '@nestjs/common';
import type { TopicDef } from '@custody/contracts';
import {
  carryCommittedOffsets,
  consoleLogger,
  createKafka,
  createOutboxInboxMigration,
  ensureTopics,
  MessagingMetrics,
  Outbox,
  OutboxRelay,
  outboxTraceContextMigration,
  outboxVacuumMigration,
  TransactionalConsumer,
  type TransactionalHandler,
} from '@custody/messaging';
import { createDataSource, type RetentionTask } from '@custody/persistence';
import type { Kafka } from 'kafkajs';
import { Registry } from 'prom-client';
import { DataSource, type MigrationInterface } from 'typeorm';
import type { HealthIndicatorResult } from '@nestjs/terminus';
import { readAuthSettings, type AuthSettings } from './auth-settings';
import { TokenVerifier } from './bearer-tokens';
import { startHttpService } from './bootstrap';
import { Clock, BusinessCalendar, ChinaCalendarDate } from './business-calendar';
import { consumerHealthIndicator, consumerStuckAfterMsFrom } from './consumer-health';
import { CUSTODY_CONFIG, loadCustodyConfig, type CustodyConfig } from './custody-config';
import { HEALTH_CHECKS } from './health.controller';
import { idempotencyKeyedClaimsMigration, idempotencyMigration, idempotencyRetentionIndexMigration, IdempotencyStore } from './idempotency';
import { classifyMessageFailure } from './message-failures';
import { createMetricsRegistry } from './metrics';
import { NamespacedOutbox, TopicNamespace } from './namespace';
import type { RetentionSettings } from './retention-settings';
import { readRuntimeEnv, type RuntimeEnv } from './runtime-env';
import { migrateSchema, migrationPolicyFrom, prepareSchema } from './schema-migrations';
import { exitWhenDone, serviceCommandFrom, type ServiceCommand } from './service-commands';
import { SecretSealer } from './secret-sealer';
import { startServiceRetention } from './service-retention';
import { provisionTopics, TOPIC_PARTITIONS as PARTITIONS } from './topic-provisioning';
import { startTracing } from './tracing';

/** What a database-backed service gets before its Nest module is built. */
export interface ServiceContext {
  name: string;
  schema: string;
  env: RuntimeEnv;
  /** Whom its HTTP edge believes and, for a service that calls another, its signing key. */
  auth: AuthSettings;
  config: CustodyConfig;
  dataSource: DataSource;
  namespace: TopicNamespace;
  kafka: Kafka;
  /** The service's consumers (its own group and one per lane), subscribed and started once the module is up; `/health` reports their stuck partitions. */
  consumers: TransactionalConsumer[];
  /** The process's metrics registry (`GET /metrics`); the service registers its own metrics on it. */
  metrics: Registry;
}

export interface Subscription {
  topic: TopicDef<unknown>;
  handler: TransactionalHandler<unknown>;
}

/** Pairs a topic with its handler while keeping the payload type checked. */
export function on<T>(topic: TopicDef<T>, handler: TransactionalHandler<T>): Subscription {
  return { topic: topic as TopicDef<unknown>, handler: handler as TransactionalHandler<unknown> };
}

/**
 * Topics a service reads through a consumer group of their own (`<service>-<name>`) instead of the service's group:
 * the busy ones of the transfer path (issue 9). kafkajs fetches every partition of every topic its group holds in
 * each Fetch request and decodes an entry for each in the answer — 144 partitions for the transfer service's 18
 * topics — so a message of a busy topic cost a fetch of them all; a lane's fetches name only its own partitions. A
 * lane records in the service's inbox (`inboxGroup`), so moving a topic into or out of a lane applies nothing twice,
 * and a new lane group starts where the service's group left its topics (`carryCommittedOffsets`).
 */
export interface ConsumerLane {
  name: string;
  topics: TopicDef<unknown>[];
}

export interface DatabaseServiceDefinition {
  name: string;
  schema: string;
  defaultPort: number;
  entities: Array<new () => unknown>;
  migrations: Array<new () => MigrationInterface>;
  /** Topics this service produces to, created at start if missing. */
  produces: TopicDef<unknown>[];
  /**
   * Topics it produces to that exist once per bank (e.g. the calls to a bank), created at start for every bank of
   * the configuration: a bank added there has its topics before the service's first message to it.
   */
  producesPerBank?: (bankCode: string) => TopicDef<unknown>[];
  module: (ctx: ServiceContext) => DynamicModule;
  subscriptions: (app: INestApplication) => Subscription[];
  /** Subscribed topics read through a group of their own (ConsumerLane); the rest through the service's group. */
  lanes?: ConsumerLane[];
  /** Background work that lives as long as the service (e.g. the saga's timer poller). */
  workers?: (app: INestApplication) => Array<{ start(): Promise<void> | void; stop(): Promise<void> }>;
  /** The service's own rows kept only for a while (docs/design.md "Retention"); the platform's are added. */
  retention?: (settings: RetentionSettings) => RetentionTask[];
}

/**
 * Every migration of a service's schema in the order production runs them: the platform's tables (outbox,
 * inbox, idempotency keys) and then the service's own. Integration tests migrate with the same list.
 */
export function serviceMigrations(schema: string, secretSealingKey: Buffer, own: Array<new () => MigrationInterface>): Array<new () => MigrationInterface> {
  return [createOutboxInboxMigration({ schema }), idempotencyMigration(schema), idempotencyKeyedClaimsMigration(schema, secretSealingKey), idempotencyRetentionIndexMigration(schema), outboxVacuumMigration({ schema }), outboxTraceContextMigration({ schema }), ...own];
}

/** Providers every database-backed service shares (config, outbox, idempotency, sealing, time). */
export function platformProviders(ctx: ServiceContext): Provider[] {
  return [
    { provide: DataSource, useValue: ctx.dataSource },
    { provide: CUSTODY_CONFIG, useValue: ctx.config },
    { provide: TopicNamespace, useValue: ctx.namespace },
    { provide: Outbox, useValue: new NamespacedOutbox(ctx.schema, ctx.namespace) },
    { provide: IdempotencyStore, useValue: new IdempotencyStore(ctx.schema, ctx.env.secretSealingKey) },
    { provide: SecretSealer, useValue: new SecretSealer(ctx.env.secretSealingKey) },
    { provide: Clock, useValue: new Clock() },
    { provide: Registry, useValue: ctx.metrics },
    { provide: BusinessCalendar, useValue: new ChinaCalendarDate() },
    {
      provide: HEALTH_CHECKS,
      useValue: [
        async (): Promise<HealthIndicatorResult> => {
          await ctx.dataSource.query('SELECT 1');
          return { database: { status: 'up' } };
        },
        consumerHealthIndicator(ctx.consumers),
      ],
    },
  ];
}

/**
 * Starts one database-backed service: its schema migrated (or found current, CUSTODY_MIGRATIONS), its HTTP edge,
 * its outbox relay and its consumers; or, given a command, does that one-off work and exits (service-commands.ts). Shutdown stops taking work first (consumers), then publishing, then HTTP and the pool.
 */
export async function runDatabaseService(def: DatabaseServiceDefinition): Promise<void> {
  const command = serviceCommandFrom();
  if (command !== 'serve') return exitWhenDone(command, runServiceCommand(command, def));
  const stopTracing = startTracing(def.name);
  const logger = new Logger(def.name);
  const env = readRuntimeEnv(def.defaultPort);
  const migrationPolicy = migrationPolicyFrom();
  const auth = readAuthSettings();
  const config = loadCustodyConfig();
  const namespace = TopicNamespace.fromEnv();
  const dataSource = await createDataSource({
    schema: def.schema,
    entities: def.entities,
    migrations: serviceMigrations(def.schema, env.secretSealingKey, def.migrations),
    databaseUrl: env.databaseUrl,
    applicationName: def.name,
  });
  await prepareSchema(dataSource, migrationPolicy);
  const kafka = createKafka({ clientId: def.name, brokers: env.kafkaBrokers });
  const metrics = createMetricsRegistry({ service: def.name });
  const messagingMetrics = new MessagingMetrics(metrics);
  messagingMetrics.watchOutbox(dataSource, def.schema);
  const serviceGroup = namespace.group(def.name);
  const consumerOf = (groupId: string): TransactionalConsumer =>
    new TransactionalConsumer({
      kafka,
      groupId,
      // One inbox for all of the service's groups: a topic moved between them is never applied twice.
      inboxGroup: serviceGroup,
      dataSource,
      deadLetterTopic: namespace.deadLetterTopic,
      // Every partition of a fetch at once: their runs share one transaction (group commit, issue 9).
      partitionsConsumedConcurrently: PARTITIONS,
      classifyFailure: classifyMessageFailure,
      stuckAfterMs: consumerStuckAfterMsFrom(),
      metrics: messagingMetrics,
      ...env.consumerTuning,
    });
  const consumer = consumerOf(serviceGroup);
  const lanes = (def.lanes ?? []).map((lane) => {
    const groupId = namespace.group(`${def.name}-${lane.name}`);
    return { lane, groupId, consumer: consumerOf(groupId) };
  });
  const consumers = [consumer, ...lanes.map((l) => l.consumer)];
  const ctx: ServiceContext = { name: def.name, schema: def.schema, env, auth, config, dataSource, namespace, kafka, consumers, metrics };

  const app = await startHttpService(def.module(ctx), { name: def.name, port: env.port, tokenVerifier: new TokenVerifier(auth.trustedIssuers), metrics });
  const subscriptions = def.subscriptions(app);
  const perBank = config.banks.flatMap((bank) => def.producesPerBank?.(bank.code) ?? []);
  await ensureTopics(kafka, [...def.produces, ...perBank, ...subscriptions.map((s) => s.topic)].map((t) => namespace.name(t.name)).concat(namespace.deadLetterTopic), {
    partitions: PARTITIONS,
  });

  const retention = await startServiceRetention({
    schema: def.schema, dataSource, kafka, consumedTopics: subscriptions.map((s) => namespace.name(s.topic.name)), own: (settings) => def.retention?.(settings) ?? [],
  });
  const relay = new OutboxRelay({ dataSource, kafka, databaseUrl: env.databaseUrl });
  await relay.start();
  // Workers start before the consumer: what they set up at start (e.g. the saga's business date on a fresh
  // database) is there before the first message is applied.
  const workers = def.workers?.(app) ?? [];
  for (const w of workers) await w.start();
  const consumerFor = (topic: TopicDef<unknown>): TransactionalConsumer => lanes.find(({ lane }) => lane.topics.some((t) => t.name === topic.name))?.consumer ?? consumer;
  for (const s of subscriptions) consumerFor(s.topic).subscribe(namespace.topic(s.topic), s.handler);
  for (const { lane, groupId } of lanes) {
    const unsubscribed = lane.topics.filter((t) => !subscriptions.some((s) => s.topic.name === t.name));
    if (unsubscribed.length > 0) throw new Error(`lane ${lane.name} of ${def.name} names topics it does not subscribe: ${unsubscribed.map((t) => t.name).join(', ')}`);
    await carryCommittedOffsets(kafka, { from: serviceGroup, to: groupId, topics: lane.topics.map((t) => namespace.name(t.name)) }, consoleLogger);
  }
  for (const c of consumers) await c.start();
  logger.log(`${def.name} ready: ${subscriptions.length} subscriptions, relay running`);

  let stopping = false;
  const shutdown = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.log(`${signal}: stopping ${def.name}`);
    await retention.stop();
    for (const c of consumers) await c.stop();
    for (const w of workers) await w.stop();
    await relay.stop();
    await app.close();
    await dataSource.destroy();
    await stopTracing();
    process.exit(0);
  };
  process.on('SIGTERM', () => void shutdown('SIGTERM'));
  process.on('SIGINT', () => void shutdown('SIGINT'));
}

/** A deployment's one-off work with this service's entry (service-commands.ts): nothing is served. */
async function runServiceCommand(command: Exclude<ServiceCommand, 'serve'>, def: DatabaseServiceDefinition): Promise<unknown> {
  const env = readRuntimeEnv(def.defaultPort);
  if (command === 'migrate') {
    const migrations = serviceMigrations(def.schema, env.secretSealingKey, def.migrations);
    return migrateSchema({ schema: def.schema, entities: def.entities, migrations, databaseUrl: env.databaseUrl, applicationName: `${def.name}-migrations` });
  }
  const created = await provisionTopics(createKafka({ clientId: `${def.name}-provision-topics`, brokers: env.kafkaBrokers }), loadCustodyConfig(), TopicNamespace.fromEnv());
  new Logger(def.name).log(`topics provisioned: ${created.length} created${created.length ? `: ${created.join(', ')}` : ''}`);
  return created;
}
