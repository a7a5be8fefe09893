import { resolve } from 'node:path';
import { defineTopic } from '@custody/contracts';
import { createIdempotentProducer, createOutboxInboxMigration, outboxTraceContextMigration, encodeEnvelope, ensureTopics, newEnvelope, TransactionalConsumer } from '@custody/messaging';
import { createTestKafka, createTestSchema, RecordingLogger, requireInfrastructure, testConsumerTimings, uniqueGroupId, uniqueTopicName, waitFor, type TestSchema } from '@custody/testing';
import { type INestApplication, Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { TerminusModule } from '@nestjs/terminus';
import type { Kafka, Producer } from 'kafkajs';
import { Registry } from 'prom-client';
import { z } from 'zod';
import { loadCustodyConfig } from './custody-config';
import { HealthController } from './health.controller';
import { classifyMessageFailure } from './message-failures';
import { TopicNamespace } from './namespace';
import { readRuntimeEnv } from './runtime-env';
import { platformProviders, type ServiceContext } from './service-runtime';

jest.setTimeout(30_000);

@Module({})
class HealthTestModule {}

interface HealthBody {
  status: string;
  details: { database?: { status: string }; consumers?: { status: string; degraded: boolean; stuck: Array<Record<string, unknown>> } };
}

/** A service's `/health` through the Nest controller, with the providers every database-backed service gets. */
describe('service /health with a stuck consumer (real PostgreSQL and Kafka, through the Nest controller)', () => {
  let db: TestSchema;
  let kafka: Kafka;
  let producer: Producer;
  let consumer: TransactionalConsumer;
  let app: INestApplication;
  let baseUrl: string;

  beforeAll(async () => {
    await requireInfrastructure({ postgres: true, kafka: true });
    db = await createTestSchema({ name: 'health', migrations: (schema) => [createOutboxInboxMigration({ schema }), outboxTraceContextMigration({ schema })] });
    kafka = createTestKafka('service-health-test');
    producer = createIdempotentProducer(kafka);
    await producer.connect();
  });

  afterEach(async () => {
    await consumer?.stop();
    await app?.close();
  });

  afterAll(async () => {
    await producer?.disconnect();
    await db?.drop();
  });

  async function get(path: string): Promise<{ httpStatus: number; body: HealthBody }> {
    const response = await fetch(`${baseUrl}${path}`);
    return { httpStatus: response.status, body: (await response.json()) as HealthBody };
  }

  it('turns degraded (HTTP 200, liveness untouched) naming group, topic, partition, offset, message id and last error while a message holds its partition past the stuck threshold, and ok again once it heals', async () => {
    const topic = defineTopic(uniqueTopicName('health'), 1, z.object({ fundAccountNo: z.string() }));
    await ensureTopics(kafka, [topic.name], { partitions: 1 });
    const groupId = uniqueGroupId('health');
    consumer = new TransactionalConsumer({
      kafka,
      groupId,
      dataSource: db.dataSource,
      logger: new RecordingLogger(),
      classifyFailure: classifyMessageFailure,
      stuckAfterMs: 500,
      retry: { maxAttempts: 2, initialBackoffMs: 50, maxBackoffMs: 100, stalledRetryIntervalMs: 200 },
      ...testConsumerTimings,
    });
    let healed = false;
    consumer.subscribe(topic, async () => {
      if (!healed) throw new Error('deadlock detected');
    });
    const ctx: ServiceContext = {
      name: 'health-test',
      schema: db.schema,
      env: readRuntimeEnv(0, {}),
      auth: { trustedIssuers: [] },
      config: loadCustodyConfig(resolve(__dirname, '../../../config/custody.local.yaml')),
      dataSource: db.dataSource,
      namespace: new TopicNamespace(''),
      kafka,
      consumers: [consumer],
      metrics: new Registry(),
    };
    app = await NestFactory.create(
      { module: HealthTestModule, imports: [TerminusModule], controllers: [HealthController], providers: platformProviders(ctx) },
      { logger: false },
    );
    await app.listen(0, '127.0.0.1');
    baseUrl = await app.getUrl();

    expect(await get('/health')).toEqual({
      httpStatus: 200,
      body: expect.objectContaining({ status: 'ok', details: { database: { status: 'up' }, consumers: { status: 'up', degraded: false, stuck: [] } } }),
    });

    const envelope = newEnvelope(topic, { fundAccountNo: '880001' }, { key: '880001' });
    await producer.send({ topic: topic.name, acks: -1, messages: [{ key: '880001', value: encodeEnvelope(envelope) }] });
    await consumer.start();

    const degraded = await waitFor(
      async () => {
        const answer = await get('/health');
        return answer.body.status === 'degraded' ? answer : undefined;
      },
      { description: '/health to turn degraded' },
    );
    expect(degraded.httpStatus).toBe(200);
    expect(degraded.body.details.consumers).toEqual({
      status: 'up',
      degraded: true,
      stuck: [
        {
          groupId,
          topic: topic.name,
          partition: 0,
          offset: '0',
          messageId: envelope.id,
          since: expect.any(String),
          attempts: expect.any(Number),
          lastError: 'deadlock detected',
        },
      ],
    });
    expect(await get('/health/live')).toEqual({ httpStatus: 200, body: { status: 'ok' } });

    healed = true;
    await waitFor(async () => (await get('/health')).body.status === 'ok', { description: '/health to be ok again once the message is applied' });
    expect((await get('/health')).body.details.consumers).toEqual({ status: 'up', degraded: false, stuck: [] });
  });
});
