import { randomUUID } from 'node:crypto';
import { bankReplyReadyFor } from '@custody/contracts';
import { resolve } from 'node:path';
import { Money } from '@custody/money';
import { DomainError, loadCustodyConfig } from '@custody/service-kit';
import { requireInfrastructure, type TestDatabase } from '@custody/testing';
import { bankRequestFor, startTransferTestbed, type TestAccount, type TransferTestbed } from '../testing/transfer-testbed';

const BANK = '1021000';
const REPLY_TOPIC = bankReplyReadyFor(BANK).name;
const CLOSED_TOPIC = 'custody.internal.relationship.ledger-closed.1';

/** F-3.8 B, the ledger's half, against the real PostgreSQL: what holds a ledger open, what closing it does, what a repeat gets. */
describe('F-3.8 B: the ledger on a bank cancellation account accepted (11004)', () => {
  const config = loadCustodyConfig(resolve(__dirname, '../../../../config/custody.local.yaml'));
  let testbed: TransferTestbed;
  let db: TestDatabase;

  beforeAll(async () => {
    await requireInfrastructure({ postgres: true });
    testbed = await startTransferTestbed('transfer_bank_cancellation', config);
    ({ db } = testbed);
  });

  afterAll(() => testbed?.db.drop());

  const serial = () => `B${randomUUID().replace(/-/g, '').slice(0, 15)}`;

  /** `relationship.cancellation-accepted` as account publishes it: a fresh inbound id each time. */
  function accepted(account: TestAccount, bankSerialNo = serial()) {
    const inboundId = randomUUID();
    return {
      relationshipId: randomUUID(),
      fundAccountNo: account.fundAccountNo,
      currency: 'CNY' as const,
      bankCode: BANK,
      bankSerialNo,
      businessDate: testbed.businessDate,
      reply: { inboundId, route: { adapterInstanceId: 'a1', sessionId: 's1', requestRef: { serialNo: bankSerialNo, issuerType: 'B' as const, issuerId: BANK } } },
    };
  }

  /** Decides in its own transaction, as the consumer does; what went out for it: the bank's return code, and whether account was told the ledger closed. */
  async function decide(event: ReturnType<typeof accepted>): Promise<{ returnCode: string; ledgerClosed: boolean }> {
    await db.dataSource.transaction((m) => testbed.cancellations.decide(m, event));
    const rows: Array<{ topic: string; envelope: { payload: Record<string, unknown> } }> = await db.dataSource.query(
      `SELECT topic, envelope FROM transfer.outbox WHERE (topic = $1 AND envelope->'payload'->>'inboundId' = $2) OR (topic = $3 AND envelope->'payload'->>'bankSerialNo' = $4) ORDER BY id`,
      [REPLY_TOPIC, event.reply.inboundId, CLOSED_TOPIC, event.bankSerialNo],
    );
    const replies = rows.filter((r) => r.topic === REPLY_TOPIC);
    expect(replies).toHaveLength(1);
    expect(replies[0].envelope.payload).toMatchObject({ function: 'CANCEL_DESIGNATION', route: event.reply.route });
    return { returnCode: replies[0].envelope.payload.returnCode as string, ledgerClosed: rows.some((r) => r.topic === CLOSED_TOPIC) };
  }

  const deposit = (account: TestAccount, amount: string) => db.dataSource.transaction((m) => testbed.inbound.handle(m, bankRequestFor(BANK, account, { amount })));
  const withdraw = (account: TestAccount, amount: string) =>
    testbed.transfers.request({ requestId: randomUUID(), type: 'SECURITIES_TO_BANK', fundAccountNo: account.fundAccountNo, currency: 'CNY', amount: Money.parse(amount) });
  const settle = (transferId: string) => db.dataSource.transaction((m) => testbed.transfers.applyOutcome(m, { transferId, status: 'SUCCEEDED' }));
  async function ledgerOf(account: TestAccount) {
    const [row] = await db.dataSource.query(`SELECT custody_status, bank_code, bank_account_no, balance::text, held::text FROM transfer.ledger_accounts WHERE fund_account_no = $1`, [account.fundAccountNo]);
    return row as { custody_status: string; bank_code: string; bank_account_no: string; balance: string; held: string };
  }

  it('F-3.8: a ledger at zero closes with the 0000, in one transaction that also tells account (relationship.ledger-closed); the bank day and serial go with it', async () => {
    const account = await testbed.designatedAccount(BANK);
    const event = accepted(account);
    expect(await decide(event)).toEqual({ returnCode: '0000', ledgerClosed: true });
    expect(await ledgerOf(account)).toMatchObject({ custody_status: 'CANCELLED', bank_code: BANK, bank_account_no: account.bankAccountNo });
    const [closed] = await db.dataSource.query(`SELECT envelope FROM transfer.outbox WHERE topic = $1 AND envelope->'payload'->>'bankSerialNo' = $2`, [CLOSED_TOPIC, event.bankSerialNo]);
    expect(closed.envelope.payload).toEqual({ relationshipId: event.relationshipId, fundAccountNo: account.fundAccountNo, currency: 'CNY', bankCode: BANK, bankSerialNo: event.bankSerialNo, businessDate: testbed.businessDate });
  });

  it('F-3.8: a closed ledger refuses transfers — ours RELATIONSHIP_NOT_ACTIVE naming the cancellation, the bank\'s deposit 2013 — and moves nothing', async () => {
    const account = await testbed.designatedAccount(BANK);
    await decide(accepted(account));
    const refusal = withdraw(account, '1.00');
    await expect(refusal).rejects.toBeInstanceOf(DomainError);
    await expect(refusal).rejects.toMatchObject({ code: 'RELATIONSHIP_NOT_ACTIVE', message: expect.stringContaining('cancelled (F-3.8)') });
    const bankDeposit = bankRequestFor(BANK, account, { amount: '10.00' });
    await db.dataSource.transaction((m) => testbed.inbound.handle(m, bankDeposit));
    const [reply] = await db.dataSource.query(`SELECT envelope FROM transfer.outbox WHERE topic = $1 AND envelope->'payload'->>'inboundId' = $2`, [REPLY_TOPIC, bankDeposit.inboundId]);
    expect(reply.envelope.payload.returnCode).toBe('2013');
    expect(await ledgerOf(account)).toMatchObject({ balance: '0.00', held: '0.00' });
  });

  it('F-3.8, §7.23: a balance is refused 5316 and the ledger stays open; the serial keeps that answer after the customer withdrew it all, a new serial then closes it', async () => {
    const account = await testbed.designatedAccount(BANK);
    await deposit(account, '100.00');
    const event = accepted(account);
    expect(await decide(event)).toEqual({ returnCode: '5316', ledgerClosed: false });
    expect(await ledgerOf(account)).toMatchObject({ custody_status: 'DESIGNATED', balance: '100.00' });

    await settle(await withdraw(account, '100.00'));
    expect(await decide({ ...event, reply: { ...event.reply, inboundId: randomUUID() } })).toEqual({ returnCode: '5316', ledgerClosed: false });
    expect(await decide(accepted(account))).toEqual({ returnCode: '0000', ledgerClosed: true });
  });

  it('F-3.8, §7.23: a trading hold is refused 5317, ahead of the balance it reserves', async () => {
    const account = await testbed.designatedAccount(BANK);
    await deposit(account, '100.00');
    await testbed.holds.place({ requestId: randomUUID(), fundAccountNo: account.fundAccountNo, currency: 'CNY', amount: Money.parse('30.00'), reason: 'order 7' });
    expect(await decide(accepted(account))).toEqual({ returnCode: '5317', ledgerClosed: false });
    expect(await ledgerOf(account)).toMatchObject({ custody_status: 'DESIGNATED', balance: '100.00', held: '30.00' });
  });

  it('F-3.8, §7.23: a withdrawal in flight is refused 5318 (its hold and the balance come after); once it succeeded the empty ledger closes', async () => {
    const account = await testbed.designatedAccount(BANK);
    await deposit(account, '80.00');
    const withdrawal = await withdraw(account, '80.00');
    expect(await decide(accepted(account))).toEqual({ returnCode: '5318', ledgerClosed: false });
    await settle(withdrawal);
    expect(await decide(accepted(account))).toEqual({ returnCode: '0000', ledgerClosed: true });
  });

  it.each(['FROZEN', 'LOST'] as const)('profile §4.1 "11011": a %s relationship is refused 2010 even at zero, and stays as it is', async (accountStatus) => {
    const account = await testbed.designatedAccount(BANK);
    await db.dataSource.transaction((m) =>
      testbed.projection.relationshipStatusChanged(m, { fundAccountNo: account.fundAccountNo, bankCode: BANK, accountStatus, reply: accepted(account).reply }),
    );
    expect(await decide(accepted(account))).toEqual({ returnCode: '2010', ledgerClosed: false });
    expect(await ledgerOf(account)).toMatchObject({ custody_status: 'DESIGNATED' });
  });

  it('bank-protocol.md §4 idempotency: a repeat of the 0000 is answered 0000 and closes nothing twice; another serial after it finds the ledger no longer linked (2013)', async () => {
    const account = await testbed.designatedAccount(BANK);
    const event = accepted(account);
    await decide(event);
    expect(await decide({ ...event, reply: { ...event.reply, inboundId: randomUUID() } })).toEqual({ returnCode: '0000', ledgerClosed: true });
    const [{ closings }] = await db.dataSource.query(`SELECT count(*)::int AS closings FROM transfer.outbox WHERE topic = $1 AND envelope->'payload'->>'bankSerialNo' = $2`, [CLOSED_TOPIC, event.bankSerialNo]);
    expect(closings).toBe(1);
    expect(await decide(accepted(account))).toEqual({ returnCode: '2013', ledgerClosed: false });
  });

  it('profile §4.1 "11004": a pre-designated ledger at zero closes too', async () => {
    const account = await testbed.designatedAccount(BANK);
    await db.dataSource.query(`UPDATE transfer.ledger_accounts SET custody_status = 'PRE_DESIGNATED', bank_account_no = NULL WHERE fund_account_no = $1`, [account.fundAccountNo]);
    expect(await decide(accepted(account))).toEqual({ returnCode: '0000', ledgerClosed: true });
    expect(await ledgerOf(account)).toMatchObject({ custody_status: 'CANCELLED' });
  });
});
