import { randomUUID } from 'node:crypto';
import { resolve } from 'node:path';
import { transferOutcome } from '@custody/contracts';
import { createIdempotentProducer, encodeEnvelope, ensureTopics, newEnvelope, readDeadLetterRecord, TransactionalConsumer } from '@custody/messaging';
import { classifyMessageFailure, loadCustodyConfig, TopicNamespace } from '@custody/service-kit';
import {
  committedOffset,
  createTestKafka,
  RecordingLogger,
  requireInfrastructure,
  testConsumerTimings,
  TopicRecorder,
  uniqueGroupId,
  waitFor,
  type TestDatabase,
} from '@custody/testing';
import type { Kafka, Producer } from 'kafkajs';
import { bankRequestFor, startTransferTestbed, type TransferTestbed } from './testing/transfer-testbed';
import { transferSubscriptions } from './transfer.subscriptions';
import { Money } from '@custody/money';

jest.setTimeout(30_000);

/**
 * The transfer service's own consumer (its subscriptions, the platform's failure classification) against
 * the real PostgreSQL and Kafka: a refusal that can never succeed goes to the dead-letter topic instead of
 * holding every account behind it on the partition.
 */
describe('transfer service consumer: an outcome that can never be applied (real PostgreSQL and Kafka)', () => {
  const BANK = '1021000';
  const config = loadCustodyConfig(resolve(__dirname, '../../../config/custody.local.yaml'));
  let testbed: TransferTestbed;
  let db: TestDatabase;
  let kafka: Kafka;
  let producer: Producer;
  const stoppables: Array<{ stop(): Promise<void> }> = [];

  beforeAll(async () => {
    await requireInfrastructure({ postgres: true, kafka: true });
    testbed = await startTransferTestbed('transfer_outcome_consumer', config);
    db = testbed.db;
    kafka = createTestKafka('transfer-outcome-consumer-test');
    producer = createIdempotentProducer(kafka);
    await producer.connect();
  });

  afterAll(async () => {
    for (const stoppable of stoppables.splice(0).reverse()) await stoppable.stop();
    await producer?.disconnect();
    await db?.drop();
  });

  async function designatedAccountWith(deposit: string): Promise<string> {
    const account = await testbed.designatedAccount(BANK);
    await db.dataSource.transaction((m) => testbed.inbound.handle(m, bankRequestFor(BANK, account, { amount: deposit })));
    return account.fundAccountNo;
  }

  const withdraw = (fundAccountNo: string, amount: string) => testbed.transfers.request({ requestId: randomUUID(), type: 'SECURITIES_TO_BANK', fundAccountNo, currency: 'CNY', amount: Money.parse(amount) });

  async function transferRow(transferId: string): Promise<{ status: string; attempts: string[] }> {
    const [row] = await db.dataSource.query(`SELECT status, attempts FROM transfer.transfers WHERE transfer_id = $1`, [transferId]);
    return row;
  }

  async function figures(fundAccountNo: string): Promise<{ balance: string; held: string }> {
    const [row] = await db.dataSource.query(`SELECT balance::text, held::text FROM transfer.ledger_accounts WHERE fund_account_no = $1`, [fundAccountNo]);
    return row;
  }

  it('HOLD_NOT_ACTIVE: a transfer.outcome whose hold already ended is dead-lettered with its reason, code, message id and origin; the transfer is left as it was and the next outcome on the partition is applied', async () => {
    const fundAccountNo = await designatedAccountWith('1000.00');
    const stale = await withdraw(fundAccountNo, '300.00');
    const next = await withdraw(fundAccountNo, '200.00');
    // An operator's correction ended the first withdrawal's hold behind the transfer's back; no retry can ever consume it.
    await db.dataSource.transaction(async (m) => {
      await m.query(`UPDATE transfer.holds SET status = 'RELEASED' WHERE hold_id = (SELECT hold_id FROM transfer.transfers WHERE transfer_id = $1)`, [stale]);
      await m.query(`UPDATE transfer.ledger_accounts SET held = held - 300 WHERE fund_account_no = $1`, [fundAccountNo]);
    });

    // The transfer service's consumer as runDatabaseService wires it, in a namespace of its own on the shared broker.
    const namespace = new TopicNamespace(uniqueGroupId('transfer-outcome'));
    const subscriptions = transferSubscriptions({ projection: testbed.projection, transfers: testbed.transfers, inbound: testbed.inbound, bankDays: testbed.bankDays, adjustments: testbed.adjustments, primaryChanges: testbed.primaryChanges, dormancy: testbed.dormancy });
    await ensureTopics(kafka, [...subscriptions.map((s) => namespace.name(s.topic.name)), namespace.deadLetterTopic], { partitions: 1 });
    const deadLetters = await TopicRecorder.start(kafka, [namespace.deadLetterTopic]);
    stoppables.push(deadLetters);
    const groupId = namespace.group('transfer');
    const logger = new RecordingLogger();
    const consumer = new TransactionalConsumer({
      kafka,
      groupId,
      dataSource: db.dataSource,
      deadLetterTopic: namespace.deadLetterTopic,
      classifyFailure: classifyMessageFailure,
      logger,
      ...testConsumerTimings,
    });
    for (const s of subscriptions) consumer.subscribe(namespace.topic(s.topic), s.handler);
    stoppables.push(consumer);

    const outcomes = namespace.topic(transferOutcome);
    const staleOutcome = newEnvelope(outcomes, { transferId: stale, status: 'SUCCEEDED', attempt: 'sent, 0000' }, { key: fundAccountNo });
    const nextOutcome = newEnvelope(outcomes, { transferId: next, status: 'SUCCEEDED' }, { key: fundAccountNo });
    await producer.send({ topic: outcomes.name, acks: -1, messages: [staleOutcome, nextOutcome].map((envelope) => ({ key: fundAccountNo, value: encodeEnvelope(envelope) })) });
    await consumer.start();

    await waitFor(async () => (await committedOffset(kafka, groupId, outcomes.name)) === '2', { timeoutMs: 20_000, description: 'both outcomes committed' });
    const [deadLetter] = await deadLetters.waitForCount(1);
    expect(readDeadLetterRecord(deadLetter!)).toMatchObject({
      originalTopic: outcomes.name,
      originalPartition: 0,
      originalOffset: '0',
      consumerGroup: groupId,
      messageId: staleOutcome.id,
      errorCode: 'HOLD_NOT_ACTIVE',
      reason: expect.stringMatching(/^handler refused: HOLD_NOT_ACTIVE: hold [0-9a-f-]+ is not active$/),
    });
    expect(logger.at('error')).toEqual([
      expect.objectContaining({ message: expect.stringMatching(/^MESSAGE DEAD-LETTERED/), fields: expect.objectContaining({ messageId: staleOutcome.id, errorCode: 'HOLD_NOT_ACTIVE' }) }),
    ]);
    // Nothing of the refused outcome happened (no attempt recorded, no inbox entry: a replay can apply it).
    expect(await transferRow(stale)).toEqual({ status: 'PENDING', attempts: [] });
    const inbox: Array<{ message_id: string }> = await db.dataSource.query(`SELECT message_id FROM transfer.inbox WHERE consumer_group = $1`, [groupId]);
    expect(inbox.map((row) => row.message_id)).toEqual([nextOutcome.id]);
    // The account's next outcome was not held up behind it: its hold became the debit.
    expect(await transferRow(next)).toMatchObject({ status: 'SUCCEEDED' });
    expect(await figures(fundAccountNo)).toEqual({ balance: '800.00', held: '0.00' });
  });

});
