import { randomUUID } from 'node:crypto';
import { resolve } from 'node:path';
import { adjustmentChanged, bankFilesReceived, brokerFilesRequested, type EventEnvelope, manualCaseRaised, summaryChecked, type TopicDef } from '@custody/contracts';
import { createIdempotentProducer, encodeEnvelope, ensureTopics, newEnvelope, TransactionalConsumer } from '@custody/messaging';
import { classifyMessageFailure, loadCustodyConfig, TopicNamespace } from '@custody/service-kit';
import { createTestKafka, RecordingLogger, requireInfrastructure, testConsumerTimings, uniqueGroupId, waitFor } from '@custody/testing';
import type { Kafka, Producer } from 'kafkajs';
import { busCodeOf, namedDayFile } from './day-files/day-file-descriptor';
import { gzipOf, transferRecord } from './testing/day-file-builders';
import { type ReconciliationTestbed, startReconciliationTestbed } from './testing/reconciliation-testbed';
import type { BrokerFileOwners } from './broker-files/broker-file-owners';

jest.setTimeout(60_000);

const BANK = '1021000';
const D = '2026-11-23';

/**
 * The service's consumer as runDatabaseService wires it (its subscriptions, the platform's inbox and failure
 * classification) on the real Kafka and PostgreSQL: every message delivered twice (a redelivery, same id) and
 * sent again (a new id, same content) has its effect once.
 */
describe('reconciliation consumer: every consumed message applied once (real PostgreSQL and Kafka)', () => {
  const config = loadCustodyConfig(resolve(__dirname, '../../../config/custody.local.yaml'));
  let testbed: ReconciliationTestbed;
  let kafka: Kafka;
  let producer: Producer;
  let consumer: TransactionalConsumer;
  const namespace = new TopicNamespace(uniqueGroupId('reconciliation'));

  beforeAll(async () => {
    await requireInfrastructure({ postgres: true, kafka: true });
    testbed = await startReconciliationTestbed('reconciliation_consumer', config, {} as BrokerFileOwners);
    kafka = createTestKafka('reconciliation-consumer-test');
    producer = createIdempotentProducer(kafka);
    await producer.connect();
    const subscriptions = testbed.subscriptions();
    await ensureTopics(kafka, [...subscriptions.map((s) => namespace.name(s.topic.name)), namespace.deadLetterTopic], { partitions: 1 });
    consumer = new TransactionalConsumer({
      kafka,
      groupId: namespace.group('reconciliation'),
      dataSource: testbed.db.dataSource,
      deadLetterTopic: namespace.deadLetterTopic,
      classifyFailure: classifyMessageFailure,
      logger: new RecordingLogger(),
      ...testConsumerTimings,
    });
    for (const s of subscriptions) consumer.subscribe(namespace.topic(s.topic), s.handler);
    await consumer.start();
  });

  afterAll(async () => {
    await consumer?.stop();
    await producer?.disconnect();
    await testbed?.close();
  });

  const inbox = async () => Number((await testbed.db.dataSource.query(`SELECT count(*) AS n FROM reconciliation.inbox`))[0].n);

  /** The message twice with one id (Kafka redelivers), then once more with a new id (its sender sent it again). */
  async function deliverThrice<T, I>(topic: TopicDef<T, I>, payload: I): Promise<void> {
    const named = namespace.topic(topic);
    const first = newEnvelope(named, payload, { key: BANK });
    const again: EventEnvelope<T> = newEnvelope(named, payload, { key: BANK });
    const before = await inbox();
    await producer.send({ topic: named.name, acks: -1, messages: [first, first, again].map((envelope) => ({ key: BANK, value: encodeEnvelope(envelope) })) });
    await waitFor(async () => (await inbox()) === before + 2, { timeoutMs: 20_000, description: `${topic.type} applied` });
  }

  const count = async (sql: string, params: unknown[] = []) => Number((await testbed.db.dataSource.query(sql, params))[0].n);

  it('reconciliation.broker-files-requested: one job per (bank, date, step)', async () => {
    await deliverThrice(brokerFilesRequested, { bankCode: BANK, businessDate: D, step: 'DETAIL' });
    expect(await count(`SELECT count(*) AS n FROM reconciliation.jobs WHERE kind = 'BROKER_FILES'`)).toBe(1);
    // No owners behind this testbed: the job is broker-files.int-spec.ts's subject, not this one's.
    await testbed.db.dataSource.query(`UPDATE reconciliation.jobs SET status = 'DONE' WHERE kind = 'BROKER_FILES'`);
  });

  it('bank.files-received: each version of a bank file is read once, by name and FileMac', async () => {
    const gz = await gzipOf('CHK01', [transferRecord({ initiator: 'B', bankSerialNo: 'B1' })]);
    const { stored } = await testbed.store.store({ bankCode: BANK, file: namedDayFile('B_CHK01_20261123.gz'), busCode: busCodeOf('CHK01'), fileTime: '20261123190000' }, [gz]);
    await deliverThrice(bankFilesReceived, { bankCode: BANK, businessDate: D, via: 'PUSH', files: [stored.descriptor] });
    expect(await count(`SELECT count(*) AS n FROM reconciliation.jobs WHERE kind = 'READ_BANK_FILE'`)).toBe(1);
    await testbed.drainJobs();
    expect(await count(`SELECT count(*) AS n FROM reconciliation.file_loads WHERE side = 'B' AND file_type = 'CHK01'`)).toBe(1);
  });

  it('day.summary-checked: the day’s one result', async () => {
    const figures = { depositCount: 1, depositAmount: '1.00', withdrawalCount: 0, withdrawalAmount: '0.00' };
    await deliverThrice(summaryChecked, { bankCode: BANK, businessDate: D, result: 'MATCHED', checkReturnCode: '0000', broker: figures, bank: figures });
    expect(await count(`SELECT count(*) AS n FROM reconciliation.summary_checks`)).toBe(1);
    expect((await testbed.view.reconciliation(D, { bankCode: BANK })).banks[0].summaryCheck).toBe('MATCHED');
  });

  it('transfer.manual-case-raised and adjustment.changed: one break per case, and its adjustment applied once resolves it once', async () => {
    const caseId = randomUUID();
    await deliverThrice(manualCaseRaised, {
      caseId,
      bankCode: BANK,
      businessDate: D,
      cause: 'REVERSAL_REFUSED_FUNDS_USED',
      description: 'funds used',
      initiator: 'B',
      serialNo: 'B77',
      functionCode: '12003',
      fundAccountNo: '100000000001',
      currency: 'CNY',
    });
    const [found] = await testbed.db.dataSource.query(`SELECT b.break_id, a.adjustment_id FROM reconciliation.breaks b JOIN reconciliation.adjustments a USING (break_id) WHERE b.case_id = $1`, [caseId]);
    expect(await count(`SELECT count(*) AS n FROM reconciliation.breaks WHERE case_id = $1`, [caseId])).toBe(1);
    expect(await testbed.outboxPayloads('adjustment.proposed')).toHaveLength(1);

    await deliverThrice(adjustmentChanged, {
      adjustmentId: found.adjustment_id,
      breakId: found.break_id,
      bankCode: BANK,
      businessDate: D,
      kind: 'MANUAL',
      status: 'APPLIED',
      approvals: [{ by: 'idp/supervisor-1', role: 'supervisor', at: new Date().toISOString(), comment: 'settled with the bank by phone' }],
      appliedOn: D,
    });
    expect(await count(`SELECT count(*) AS n FROM reconciliation.breaks WHERE case_id = $1 AND status = 'RESOLVED'`, [caseId])).toBe(1);
    const changes = await testbed.outboxPayloads<{ openBreaks: number }>('reconciliation.breaks-changed');
    expect(changes.map((c) => c.openBreaks)).toEqual([1, 0]);
  });
});
