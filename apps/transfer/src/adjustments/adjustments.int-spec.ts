import { randomUUID } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { resolve } from 'node:path';
import { type INestApplication, Module } from '@nestjs/common';
import type { z } from 'zod';
import { adjustmentProposed } from '@custody/contracts';
import { createIdempotentProducer, DeadLetterError, encodeEnvelope, ensureTopics, newEnvelope, TransactionalConsumer } from '@custody/messaging';
import { Money } from '@custody/money';
import {
  BusinessDays,
  type Caller,
  classifyMessageFailure,
  Clock,
  loadCustodyConfig,
  loggingModule,
  newIssuer,
  ROLES,
  signToken,
  startHttpService,
  TokenVerifier,
  TopicNamespace,
} from '@custody/service-kit';
import { createTestKafka, RecordingLogger, requireInfrastructure, testConsumerTimings, uniqueGroupId, waitFor } from '@custody/testing';
import type { Kafka, Producer } from 'kafkajs';
import { bankRequestFor, startTransferTestbed, type TestAccount, type TransferTestbed } from '../testing/transfer-testbed';
import { transferSubscriptions } from '../transfer.subscriptions';
import { AdjustmentService } from './adjustment.service';
import { AdjustmentsController } from './adjustments.controller';

jest.setTimeout(60_000);

type Proposal = z.infer<typeof adjustmentProposed.schema>;

class TestClock extends Clock {
  at = new Date('2026-12-04T02:00:00.000Z');
  override now(): Date {
    return new Date(this.at.getTime());
  }
}

const BANK = '1021000';
const D = '2026-12-04';
const OPERATOR: Caller = { issuer: 'idp', subject: 'ops-1', role: 'operator' };
const OPERATOR_2: Caller = { issuer: 'idp', subject: 'ops-2', role: 'operator' };
const SUPERVISOR: Caller = { issuer: 'idp', subject: 'sup-1', role: 'supervisor' };
/** The same subject from another issuer is another principal. */
const SUPERVISOR_ELSEWHERE: Caller = { issuer: 'other-idp', subject: 'ops-1', role: 'supervisor' };

/** api.md "Clearing and the day": adjustments kept, decided and applied at the transfer service (real PostgreSQL and Kafka). */
describe('adjustments: approvals, four eyes, and each applied once in the transaction of its effect (real PostgreSQL)', () => {
  const config = loadCustodyConfig(resolve(__dirname, '../../../../config/custody.local.yaml'));
  const clock = new TestClock();
  let bed: TransferTestbed;

  beforeAll(async () => {
    await requireInfrastructure({ postgres: true });
    bed = await startTransferTestbed('transfer_adjustments', config, clock);
    await bed.openDay(D);
  });
  afterAll(() => bed?.db.drop());

  const q = <T = Record<string, unknown>>(sql: string, params: unknown[] = []): Promise<T[]> => bed.db.dataSource.query(sql, params);

  async function funded(amount = '1000.00'): Promise<TestAccount> {
    const account = await bed.designatedAccount(BANK, { customerName: '王五', branchId: '0007' });
    await bed.db.dataSource.transaction((m) => bed.inbound.handle(m, bankRequestFor(BANK, account, { amount }, clock.now())));
    return account;
  }

  function proposal(account: TestAccount, overrides: Partial<z.input<typeof adjustmentProposed.schema>> = {}): Proposal {
    return adjustmentProposed.schema.parse({ adjustmentId: randomUUID(), breakId: randomUUID(), bankCode: BANK, businessDate: D, kind: 'CREDIT', fundAccountNo: account.fundAccountNo, currency: 'CNY', amount: '500.00', reason: "B: the bank's 12001 the broker never booked", ...overrides });
  }

  const propose = async (p: Proposal) => {
    await bed.db.dataSource.transaction((m) => bed.adjustments.propose(m, p));
    return p.adjustmentId;
  };
  const approve = (id: string, caller: Caller, comment?: string, requestId = randomUUID()) => bed.adjustments.approve(id, caller, { requestId, comment });
  const reject = (id: string, caller: Caller, comment?: string, requestId = randomUUID()) => bed.adjustments.reject(id, caller, { requestId, comment });

  const figures = async (account: TestAccount) =>
    (await q<{ balance: string; held: string }>(`SELECT balance::text, held::text FROM transfer.ledger_accounts WHERE fund_account_no = $1`, [account.fundAccountNo]))[0];
  const postingsOf = (adjustmentId: string) =>
    q<{ account: string; amount: string; business_date: string; posting_id: string; xid: string }>(
      `SELECT account, amount::text, business_date::text, posting_id, xmin::text AS xid FROM transfer.journal_lines WHERE source = 'ADJUSTMENT' AND source_id = $1 ORDER BY account`,
      [adjustmentId],
    );
  const eventsOf = (adjustmentId: string) =>
    q<{ payload: Record<string, unknown>; xid: string }>(
      `SELECT envelope -> 'payload' AS payload, xmin::text AS xid FROM transfer.outbox WHERE topic = 'custody.internal.adjustment.changed.1' AND envelope -> 'payload' ->> 'adjustmentId' = $1 ORDER BY id`,
      [adjustmentId],
    );
  const transferRow = async (transferId: string) =>
    (await q<{ status: string; failure_code: string | null; resolved_by_adjustment: string | null; hold_status: string | null }>(
      `SELECT t.status, t.failure_code, t.resolved_by_adjustment, h.status AS hold_status FROM transfer.transfers t LEFT JOIN transfer.holds h ON h.hold_id = t.hold_id WHERE t.transfer_id = $1`,
      [transferId],
    ))[0];
  const unknownTransfer = async (account: TestAccount, type: 'BANK_TO_SECURITIES' | 'SECURITIES_TO_BANK', amount: string) => {
    const transferId = await bed.transfers.request({ requestId: randomUUID(), type, fundAccountNo: account.fundAccountNo, currency: 'CNY', amount: Money.parse(amount), bankPassword: type === 'BANK_TO_SECURITIES' ? '135790' : undefined });
    await bed.db.dataSource.transaction((m) => bed.transfers.applyOutcome(m, { transferId, status: 'UNKNOWN' }));
    return transferId;
  };

  describe('CREDIT and DEBIT', () => {
    it('an approved CREDIT is one journal posting (source ADJUSTMENT, on the broker’s business date) in the same transaction as its APPLIED and its adjustment.changed; repeating the approval applies nothing again', async () => {
      const account = await funded();
      const id = await propose(proposal(account));
      const requestId = randomUUID();
      const applied = await approve(id, OPERATOR, undefined, requestId);
      expect(applied).toMatchObject({ status: 'APPLIED', appliedOn: D, approvals: [{ by: 'ops-1@idp', role: 'operator' }] });
      const postings = await postingsOf(id);
      expect(postings.map(({ account: a, amount, business_date }) => ({ a, amount, business_date }))).toEqual([
        { a: `CUSTOMER:${account.fundAccountNo}`, amount: '500.00', business_date: D },
        { a: `SUMMARY:${BANK}`, amount: '-500.00', business_date: D },
      ]);
      expect(new Set(postings.map((p) => p.posting_id)).size).toBe(1);
      const [event] = await eventsOf(id);
      expect(event.payload).toMatchObject({ adjustmentId: id, kind: 'CREDIT', status: 'APPLIED', appliedOn: D, bankCode: BANK, businessDate: D });
      // One transaction wrote the journal lines and the event: the same transaction id on every row.
      expect(new Set([...postings.map((p) => p.xid), event.xid]).size).toBe(1);

      expect(await approve(id, OPERATOR, undefined, requestId)).toMatchObject({ status: 'APPLIED' });
      await expect(approve(id, SUPERVISOR)).rejects.toMatchObject({ code: 'ADJUSTMENT_DECIDED' });
      expect(await postingsOf(id)).toHaveLength(2);
      expect(await eventsOf(id)).toHaveLength(1);
      expect(await figures(account)).toEqual({ balance: '1500.00', held: '0.00' });
    });

    it('an approved DEBIT takes the amount out of the fund ledger', async () => {
      const account = await funded();
      const id = await propose(proposal(account, { kind: 'DEBIT', amount: '200.00' }));
      await approve(id, OPERATOR);
      expect((await postingsOf(id)).find((p) => p.account.startsWith('CUSTOMER:'))?.amount).toBe('-200.00');
      expect(await figures(account)).toEqual({ balance: '800.00', held: '0.00' });
    });

    it('a DEBIT that would overdraw what is available (balance less holds) is refused with the figures, and changes nothing', async () => {
      const account = await funded('100.00');
      await bed.holds.place({ requestId: randomUUID(), fundAccountNo: account.fundAccountNo, currency: 'CNY', amount: Money.parse('30.00'), reason: 'purchase' });
      const id = await propose(proposal(account, { kind: 'DEBIT', amount: '70.01' }));
      await expect(approve(id, OPERATOR)).rejects.toMatchObject({ code: 'INSUFFICIENT_AVAILABLE', detail: expect.stringContaining('balance 100.00, held 30.00, available 70.00') });
      expect(await bed.adjustments.get(id)).toMatchObject({ status: 'PROPOSED', approvals: [] });
      expect(await postingsOf(id)).toEqual([]);
      expect(await eventsOf(id)).toEqual([]);
      expect(await figures(account)).toEqual({ balance: '100.00', held: '30.00' });
    });

    it('a break of a day whose date has switched since (every bank finished it) is applied on the broker’s new business date', async () => {
      const account = await funded();
      const id = await propose(proposal(account));
      await bed.db.dataSource.transaction(async (m) => {
        for (const bank of config.banks) await bed.bankDays.apply(m, { bankCode: bank.code, businessDate: D, phase: bank.code === BANK ? 'DEFERRED' : 'RECONCILED', changedAt: new Date(clock.now().getTime() + 5000).toISOString() });
      });
      const next = new BusinessDays(config.holidays).after(D);
      expect(await approve(id, OPERATOR)).toMatchObject({ status: 'APPLIED', appliedOn: next, businessDate: D });
      expect((await postingsOf(id)).map((p) => p.business_date)).toEqual([next, next]);
      await bed.openDay(D);
    });
  });

  describe('four eyes over fourEyesThreshold', () => {
    it('the first approval waits for a second principal; the same principal is SAME_APPROVER, an operator FORBIDDEN; a supervisor applies it once', async () => {
      const account = await funded();
      const id = await propose(proposal(account, { amount: '60000.00' }));
      expect(await approve(id, OPERATOR)).toMatchObject({ status: 'AWAITING_SECOND_APPROVAL', approvals: [{ by: 'ops-1@idp' }] });
      expect(await postingsOf(id)).toEqual([]);
      expect((await eventsOf(id)).map((e) => e.payload.status)).toEqual(['AWAITING_SECOND_APPROVAL']);
      await expect(approve(id, OPERATOR)).rejects.toMatchObject({ code: 'SAME_APPROVER' });
      await expect(approve(id, OPERATOR_2)).rejects.toMatchObject({ code: 'FORBIDDEN' });
      const applied = await approve(id, SUPERVISOR_ELSEWHERE);
      expect(applied).toMatchObject({ status: 'APPLIED', approvals: [{ by: 'ops-1@idp', role: 'operator' }, { by: 'ops-1@other-idp', role: 'supervisor' }] });
      expect(await postingsOf(id)).toHaveLength(2);
      expect((await eventsOf(id)).map((e) => e.payload.status)).toEqual(['AWAITING_SECOND_APPROVAL', 'APPLIED']);
      expect(await figures(account)).toEqual({ balance: '61000.00', held: '0.00' });
    });

    it('a supervisor approving first and again is SAME_APPROVER too', async () => {
      const id = await propose(proposal(await funded(), { amount: '50000.01' }));
      await approve(id, SUPERVISOR);
      await expect(approve(id, SUPERVISOR)).rejects.toMatchObject({ code: 'SAME_APPROVER' });
    });
  });

  describe('RESOLVE_UNKNOWN', () => {
    it('SUCCEEDED: the withdrawal’s hold is consumed and its own movement posted (source TRANSFER, its date); the transfer names the adjustment', async () => {
      const account = await funded();
      const transferId = await unknownTransfer(account, 'SECURITIES_TO_BANK', '300.00');
      expect(await figures(account)).toEqual({ balance: '1000.00', held: '300.00' });
      const id = await propose(proposal(account, { kind: 'RESOLVE_UNKNOWN', amount: undefined, transferId, resolveTo: 'SUCCEEDED', reason: 'B: the bank lists the UNKNOWN withdrawal' }));
      expect(await bed.adjustments.get(id)).toMatchObject({ amount: '300.00' });
      await approve(id, OPERATOR);
      expect(await transferRow(transferId)).toEqual({ status: 'SUCCEEDED', failure_code: null, resolved_by_adjustment: id, hold_status: 'CONSUMED' });
      expect(await figures(account)).toEqual({ balance: '700.00', held: '0.00' });
      const lines = await q<{ source: string; amount: string; business_date: string }>(`SELECT source, amount::text, business_date::text FROM transfer.journal_lines WHERE source_id = $1 AND fund_account_no IS NOT NULL`, [transferId]);
      expect(lines).toEqual([{ source: 'TRANSFER', amount: '-300.00', business_date: D }]);
      expect((await eventsOf(id))[0].payload).toMatchObject({ status: 'APPLIED', kind: 'RESOLVE_UNKNOWN', transferId, transferStatus: 'SUCCEEDED' });
      expect(await postingsOf(id)).toEqual([]);
    });

    it('FAILED: the hold is released, nothing posted, failure RESOLVED_BY_RECONCILIATION; a deposit resolved SUCCEEDED is credited', async () => {
      const account = await funded();
      const withdrawal = await unknownTransfer(account, 'SECURITIES_TO_BANK', '300.00');
      const failed = await propose(proposal(account, { kind: 'RESOLVE_UNKNOWN', amount: undefined, transferId: withdrawal, resolveTo: 'FAILED', reason: 'S: the bank does not list it' }));
      await approve(failed, OPERATOR);
      expect(await transferRow(withdrawal)).toEqual({ status: 'FAILED', failure_code: 'RESOLVED_BY_RECONCILIATION', resolved_by_adjustment: failed, hold_status: 'RELEASED' });
      expect(await q(`SELECT 1 FROM transfer.journal_lines WHERE source_id = $1`, [withdrawal])).toEqual([]);
      expect(await figures(account)).toEqual({ balance: '1000.00', held: '0.00' });

      const deposit = await unknownTransfer(account, 'BANK_TO_SECURITIES', '80.00');
      await approve(await propose(proposal(account, { kind: 'RESOLVE_UNKNOWN', amount: undefined, transferId: deposit, resolveTo: 'SUCCEEDED', reason: 'B' })), OPERATOR);
      expect(await figures(account)).toEqual({ balance: '1080.00', held: '0.00' });
    });

    it('four eyes on the transfer’s amount; a second RESOLVE_UNKNOWN of a transfer already resolved is ADJUSTMENT_DECIDED and changes nothing', async () => {
      const account = await funded('100000.00');
      const transferId = await unknownTransfer(account, 'SECURITIES_TO_BANK', '60000.00');
      const id = await propose(proposal(account, { kind: 'RESOLVE_UNKNOWN', amount: '1.00', transferId, resolveTo: 'SUCCEEDED', reason: 'B' }));
      expect(await approve(id, OPERATOR)).toMatchObject({ status: 'AWAITING_SECOND_APPROVAL' });
      await approve(id, SUPERVISOR);
      const again = await propose(proposal(account, { kind: 'RESOLVE_UNKNOWN', amount: undefined, transferId, resolveTo: 'FAILED', reason: 'S' }));
      await approve(again, OPERATOR);
      await expect(approve(again, SUPERVISOR)).rejects.toMatchObject({ code: 'ADJUSTMENT_DECIDED', detail: expect.stringContaining(`resolved by adjustment ${id}`) });
      expect(await transferRow(transferId)).toMatchObject({ status: 'SUCCEEDED', resolved_by_adjustment: id });
      expect(await bed.adjustments.get(again)).toMatchObject({ status: 'AWAITING_SECOND_APPROVAL' });
      expect(await figures(account)).toEqual({ balance: '40000.00', held: '0.00' });
    });
  });

  describe('MANUAL and rejections', () => {
    it('MANUAL: settled by a supervisor with a comment, moving nothing; an operator is FORBIDDEN, no comment VALIDATION_FAILED; it cannot be rejected', async () => {
      const account = await funded();
      const id = await propose(proposal(account, { kind: 'MANUAL', amount: undefined, reason: 'X: bank account differs' }));
      await expect(approve(id, OPERATOR, 'looked at it')).rejects.toMatchObject({ code: 'FORBIDDEN' });
      await expect(approve(id, SUPERVISOR)).rejects.toMatchObject({ code: 'VALIDATION_FAILED' });
      await expect(reject(id, SUPERVISOR)).rejects.toMatchObject({ code: 'NOT_REJECTABLE' });
      expect(await approve(id, SUPERVISOR, 'the bank corrected the account on its side')).toMatchObject({
        status: 'APPLIED',
        approvals: [{ by: 'sup-1@idp', role: 'supervisor', comment: 'the bank corrected the account on its side' }],
      });
      expect(await postingsOf(id)).toEqual([]);
      expect(await figures(account)).toEqual({ balance: '1000.00', held: '0.00' });
    });

    it('a rejection: REJECTED and a MANUAL for the same break in its place, in one transaction; nothing more is decided on the rejected one', async () => {
      const account = await funded();
      const proposed = proposal(account);
      const id = await propose(proposed);
      const requestId = randomUUID();
      const rejected = await reject(id, OPERATOR, 'the bank will reverse it', requestId);
      expect(rejected).toMatchObject({ status: 'REJECTED', rejection: { by: 'ops-1@idp', comment: 'the bank will reverse it' }, replacedBy: expect.any(String) });
      expect(await reject(id, OPERATOR, 'the bank will reverse it', requestId)).toMatchObject({ status: 'REJECTED', replacedBy: rejected.replacedBy });
      const manual = await bed.adjustments.get(rejected.replacedBy!);
      expect(manual).toMatchObject({ kind: 'MANUAL', status: 'PROPOSED', breakId: proposed.breakId, replaces: id, fundAccountNo: account.fundAccountNo, amount: null });
      const [rejectedEvent] = await eventsOf(id);
      const [manualEvent] = await eventsOf(manual.adjustmentId);
      expect(rejectedEvent.payload).toMatchObject({ status: 'REJECTED', replacedBy: manual.adjustmentId });
      expect(manualEvent.payload).toMatchObject({ status: 'PROPOSED', kind: 'MANUAL', breakId: proposed.breakId });
      expect(rejectedEvent.xid).toBe(manualEvent.xid);
      await expect(approve(id, OPERATOR)).rejects.toMatchObject({ code: 'ADJUSTMENT_DECIDED' });
      await expect(reject(id, OPERATOR)).rejects.toMatchObject({ code: 'ADJUSTMENT_DECIDED' });
      expect(await approve(manual.adjustmentId, SUPERVISOR, 'reversed by the bank on the next day')).toMatchObject({ status: 'APPLIED' });
      expect(await figures(account)).toEqual({ balance: '1000.00', held: '0.00' });
    });

    it('requestId: the same one for another adjustment or another decision is IDEMPOTENCY_KEY_REUSED', async () => {
      const account = await funded();
      const first = await propose(proposal(account));
      const second = await propose(proposal(account));
      const requestId = randomUUID();
      await approve(first, OPERATOR, undefined, requestId);
      await expect(approve(second, OPERATOR, undefined, requestId)).rejects.toMatchObject({ code: 'IDEMPOTENCY_KEY_REUSED' });
      await expect(reject(first, OPERATOR, undefined, requestId)).rejects.toMatchObject({ code: 'IDEMPOTENCY_KEY_REUSED' });
    });
  });

  describe('proposals', () => {
    it('a second proposal for a break that has an adjustment is kept out (one break, one effect); a proposal that breaks the contract is dead-lettered', async () => {
      const account = await funded();
      const first = proposal(account);
      await propose(first);
      const second = await propose(proposal(account, { breakId: first.breakId, amount: '900.00' }));
      await expect(bed.adjustments.get(second)).rejects.toMatchObject({ code: 'NOT_FOUND' });
      await expect(propose(proposal(account, { amount: undefined }))).rejects.toBeInstanceOf(DeadLetterError);
      await expect(propose(proposal(account, { kind: 'RESOLVE_UNKNOWN', transferId: randomUUID(), resolveTo: 'FAILED' }))).rejects.toBeInstanceOf(DeadLetterError);
    });
  });

  describe('after the day: the files and the statement show the adjustments', () => {
    it('S_CHK04 shows the balance after an applied adjustment; S_CHK01 does not list a transfer the snapshot held UNKNOWN, resolved since; the statement names the break', async () => {
      const day = '2026-12-07';
      clock.at = new Date(`${day}T02:00:00.000Z`);
      await bed.openDay(day);
      const account = await funded();
      const unknown = await unknownTransfer(account, 'BANK_TO_SECURITIES', '25.00');
      await bed.db.dataSource.transaction((m) => bed.bankDays.apply(m, { bankCode: BANK, businessDate: day, phase: 'ENDED', snapshot: { unsettledTransferIds: [unknown] }, changedAt: new Date(clock.now().getTime() + 1000).toISOString() }));
      const resolveUnknown = await propose(proposal(account, { businessDate: day, kind: 'RESOLVE_UNKNOWN', amount: undefined, transferId: unknown, resolveTo: 'SUCCEEDED', reason: 'B' }));
      await approve(resolveUnknown, OPERATOR);
      const credit = proposal(account, { businessDate: day, amount: '12.34' });
      await approve(await propose(credit), OPERATOR);

      const chk04: Array<{ fundAccountNo: string; amount: Money }> = [];
      for await (const record of await bed.dayFiles.chk04(BANK, day)) chk04.push(record);
      expect(chk04.find((r) => r.fundAccountNo === account.fundAccountNo)?.amount).toEqual(Money.parse('1037.34'));
      const chk01: Array<{ brokerSerialNo: string | null }> = [];
      for await (const record of await bed.dayFiles.chk01(BANK, day)) chk01.push(record);
      const [{ serial_no }] = await q<{ serial_no: string }>(`SELECT serial_no FROM transfer.transfers WHERE transfer_id = $1`, [unknown]);
      expect(chk01.map((r) => r.brokerSerialNo)).not.toContain(serial_no);

      const statement = await bed.statements.statement(account.fundAccountNo, { currency: 'CNY', from: day, to: day });
      expect(statement.movements.find((m) => m.source === 'ADJUSTMENT')).toMatchObject({ sourceId: credit.adjustmentId, amount: '12.34', adjustment: { breakId: credit.breakId, kind: 'CREDIT', bankCode: BANK } });
      clock.at = new Date(`${D}T02:00:00.000Z`);
      await bed.openDay(D);
    });
  });

  describe('adjustment.proposed from Kafka', () => {
    let kafka: Kafka;
    let producer: Producer;
    let consumer: TransactionalConsumer | undefined;

    beforeAll(async () => {
      await requireInfrastructure({ postgres: true, kafka: true });
      kafka = createTestKafka('transfer-adjustments-test');
      producer = createIdempotentProducer(kafka);
      await producer.connect();
    });
    afterAll(async () => {
      await consumer?.stop();
      await producer?.disconnect();
    });

    it('kept once when the event is redelivered, or proposed again under another message id; approved twice, applied once', async () => {
      const account = await funded();
      const namespace = new TopicNamespace(uniqueGroupId('transfer-adjustments'));
      const subscriptions = transferSubscriptions({ projection: bed.projection, transfers: bed.transfers, inbound: bed.inbound, bankDays: bed.bankDays, adjustments: bed.adjustments, primaryChanges: bed.primaryChanges, dormancy: bed.dormancy });
      await ensureTopics(kafka, [...subscriptions.map((s) => namespace.name(s.topic.name)), namespace.deadLetterTopic], { partitions: 1 });
      consumer = new TransactionalConsumer({
        kafka,
        groupId: namespace.group('transfer'),
        dataSource: bed.db.dataSource,
        deadLetterTopic: namespace.deadLetterTopic,
        classifyFailure: classifyMessageFailure,
        logger: new RecordingLogger(),
        ...testConsumerTimings,
      });
      for (const s of subscriptions) consumer.subscribe(namespace.topic(s.topic), s.handler);
      const topic = namespace.topic(adjustmentProposed);
      const p = proposal(account, { amount: '7.00' });
      const envelope = newEnvelope(topic, p, { key: BANK });
      const again = newEnvelope(topic, p, { key: BANK });
      await producer.send({ topic: topic.name, acks: -1, messages: [envelope, envelope, again].map((e) => ({ key: BANK, value: encodeEnvelope(e) })) });
      await consumer.start();
      await waitFor(async () => (await q(`SELECT 1 FROM transfer.inbox WHERE message_id = $1`, [again.id])).length === 1, { timeoutMs: 20_000, description: 'the proposals consumed' });
      expect(await q(`SELECT status FROM transfer.adjustments WHERE adjustment_id = $1`, [p.adjustmentId])).toEqual([{ status: 'PROPOSED' }]);
      const requestId = randomUUID();
      await Promise.all([approve(p.adjustmentId, OPERATOR, undefined, requestId), approve(p.adjustmentId, OPERATOR, undefined, requestId)]);
      await expect(approve(p.adjustmentId, SUPERVISOR)).rejects.toMatchObject({ code: 'ADJUSTMENT_DECIDED' });
      expect(await postingsOf(p.adjustmentId)).toHaveLength(2);
      expect(await figures(account)).toEqual({ balance: '1007.00', held: '0.00' });
    });
  });

  describe('through the HTTP edge (api.md roles)', () => {
    const users = newIssuer('identity-provider', ROLES);
    let app: INestApplication;
    let baseUrl: string;
    const token = (role: (typeof ROLES)[number], subject = `${role}-1`) => signToken(users.identity, { subject, role }, new Date(), 60_000);

    beforeAll(async () => {
      @Module({ imports: [loggingModule('transfer-test')], controllers: [AdjustmentsController], providers: [{ provide: AdjustmentService, useValue: bed.adjustments }] })
      class AdjustmentsTestModule {}
      app = await startHttpService(AdjustmentsTestModule, { name: 'transfer-test', port: 0, tokenVerifier: new TokenVerifier([users.trusted]) });
      baseUrl = `http://127.0.0.1:${(app.getHttpServer().address() as AddressInfo).port}/v1/adjustments`;
    });
    afterAll(() => app?.close());

    const call = async (method: 'GET' | 'POST', path: string, bearer: string, body?: unknown) => {
      const response = await fetch(`${baseUrl}/${path}`, { method, headers: { authorization: `Bearer ${bearer}`, 'content-type': 'application/json' }, body: body === undefined ? undefined : JSON.stringify(body) });
      return { status: response.status, body: (await response.json()) as Record<string, unknown> };
    };

    it('operators and supervisors decide; the principal is the token’s subject and issuer; an auditor reads but does not decide; trading may do neither', async () => {
      const id = await propose(proposal(await funded(), { amount: '60000.00' }));
      expect(await call('POST', `${id}/approve`, token('auditor'), { requestId: 'r-1' })).toMatchObject({ status: 403, body: { code: 'FORBIDDEN' } });
      expect(await call('GET', id, token('trading'))).toMatchObject({ status: 403 });
      expect(await call('POST', `${id}/approve`, token('operator'), { requestId: 'r-2' })).toMatchObject({
        status: 200,
        body: { adjustmentId: id, status: 'AWAITING_SECOND_APPROVAL', approvals: [{ by: 'operator-1@identity-provider', role: 'operator' }] },
      });
      expect(await call('POST', `${id}/approve`, token('operator', 'operator-2'), { requestId: 'r-3' })).toMatchObject({ status: 403, body: { code: 'FORBIDDEN' } });
      expect(await call('POST', `${id}/approve`, token('operator'), { requestId: 'r-4' })).toMatchObject({ status: 409, body: { code: 'SAME_APPROVER' } });
      expect(await call('POST', `${id}/approve`, token('supervisor'), { requestId: 'r-5' })).toMatchObject({ status: 200, body: { status: 'APPLIED', appliedOn: D } });
      expect(await call('GET', id, token('auditor'))).toMatchObject({ status: 200, body: { status: 'APPLIED', kind: 'CREDIT', amount: '60000.00' } });
      expect(await call('POST', `${id}/reject`, token('supervisor'), { requestId: 'r-6' })).toMatchObject({ status: 409, body: { code: 'ADJUSTMENT_DECIDED' } });
      expect(await call('POST', `${id}/approve`, token('supervisor'), {})).toMatchObject({ status: 400, body: { code: 'VALIDATION_FAILED' } });
    });
  });
});
