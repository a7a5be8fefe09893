import { randomUUID } from 'node:crypto';
import { bankReplyReadyFor } from '@custody/contracts';
import { Money } from '@custody/money';
import { requireInfrastructure, uniqueDigits, uniqueFundAccountNo, type TestDatabase } from '@custody/testing';
import { createCustodyTestbed, type CustodyTestbed } from '../testing/custody-testbed';
import type { BankCancellationService } from './bank-cancellation.service';
import type { DesignationService } from './designation.service';

const BANK = '1021000';
const OTHER_BANK = '1051000';
/** The bank account the testbed's confirmations link. */
const LINKED = '6222000033334444';
const ACCEPTED_TOPIC = 'custody.internal.relationship.cancellation-accepted.1';

/** F-3.8 B against the real PostgreSQL: what account decides, hands on and records for a bank's cancellation (11004). */
describe('F-3.8 B: account on a bank cancellation (11004)', () => {
  let db: TestDatabase;
  let testbed: CustodyTestbed;
  let designations: DesignationService;
  let cancellations: BankCancellationService;

  beforeAll(async () => {
    await requireInfrastructure({ postgres: true });
    testbed = await createCustodyTestbed('account-bank-cancellation');
    ({ db, designations, cancellations } = testbed);
  });

  afterAll(() => db?.drop());

  const serial = () => `B${uniqueDigits(12)}`;

  /** The bank's 11004 as the adapter forwards it: a fresh inbound id each time. */
  function request(fundAccountNo: string, serialNo: string, fields: { bankAccountNo?: string | null; leavingBalance?: string; bankCode?: string } = {}) {
    const bankCode = fields.bankCode ?? BANK;
    const bankAccountNo = fields.bankAccountNo === undefined ? LINKED : fields.bankAccountNo;
    return {
      inboundId: randomUUID(),
      bankCode,
      route: { adapterInstanceId: 'inst-1', sessionId: 's0', requestRef: { serialNo, issuerType: 'B' as const, issuerId: bankCode } },
      function: 'CANCEL_DESIGNATION' as const,
      serialNo,
      businessDate: '2026-11-24',
      receivedAt: new Date().toISOString(),
      fundAccountNo,
      currency: 'CNY',
      ...(bankAccountNo === null ? {} : { bankAccountNo }),
      ...(fields.leavingBalance === undefined ? {} : { leavingBalance: Money.parse(fields.leavingBalance, 'non-negative') }),
    };
  }

  const handle = (message: ReturnType<typeof request>) => db.dataSource.transaction((m) => cancellations.handle(m, message));
  const accepted = async (message: ReturnType<typeof request>) => (await testbed.outboxFor(message.inboundId)).find((row) => row.topic === ACCEPTED_TOPIC)?.payload;
  const answered = async (message: ReturnType<typeof request>) => (await testbed.outboxFor(message.inboundId)).map((row) => (row.topic === bankReplyReadyFor(message.bankCode).name ? row.payload.returnCode : row.topic));

  /** The transfer service's verdict on an accepted one, as account reads it back. */
  async function ledgerClosed(message: ReturnType<typeof request>) {
    const handedOn = (await accepted(message)) as { relationshipId: string; fundAccountNo: string; currency: 'CNY'; bankCode: string; bankSerialNo: string; businessDate: string };
    const { relationshipId, fundAccountNo, currency, bankCode, bankSerialNo, businessDate } = handedOn;
    await db.dataSource.transaction((m) => cancellations.ledgerClosed(m, { relationshipId, fundAccountNo, currency, bankCode, bankSerialNo, businessDate }));
  }

  const amountsOf = async (relationshipId: string): Promise<Array<string | null>> =>
    (await db.dataSource.query(`SELECT amount::text AS amount FROM account.account_functions WHERE relationship_id = $1 ORDER BY seq`, [relationshipId])).map((r: { amount: string | null }) => r.amount);

  it('F-3.8 B: a designated relationship named by its bank account is handed to the ledger with the bank day and serial; account changes nothing and answers nothing yet', async () => {
    const { fundAccountNo, relationshipId } = await testbed.designated(BANK);
    const message = request(fundAccountNo, serial(), { leavingBalance: '0.00' });
    await handle(message);
    expect(await testbed.outboxFor(message.inboundId)).toEqual([
      {
        topic: ACCEPTED_TOPIC,
        payload: { relationshipId, fundAccountNo, currency: 'CNY', bankCode: BANK, bankSerialNo: message.serialNo, businessDate: '2026-11-24', reply: { inboundId: message.inboundId, route: message.route } },
      },
    ]);
    expect(await designations.find(relationshipId)).toMatchObject({ status: 'DESIGNATED' });
    expect(await testbed.functionsOf(relationshipId)).toHaveLength(2);
  });

  it("F-3.8 B: once the ledger closed, the relationship is CANCELLED and the day's 11004 recorded (B, the bank serial, its bank account, 金额 0, CANCELLED for CHK02); GET shows it", async () => {
    const { fundAccountNo, relationshipId } = await testbed.designated(BANK);
    const message = request(fundAccountNo, serial());
    await handle(message);
    await ledgerClosed(message);
    expect(await designations.find(relationshipId)).toMatchObject({ status: 'CANCELLED', bankAccountNo: LINKED });
    expect((await testbed.functionsOf(relationshipId))[2]).toEqual({
      function_code: '11004', initiator: 'B', bank_serial_no: message.serialNo, broker_serial_no: null, bank_account_no: LINKED,
      custody_account_no: 'K11003', business_date: '2026-11-24', status_after: 'CANCELLED', amount: '0.00',
    });
    expect((await amountsOf(relationshipId))[2]).toBe('0.00');
    expect((await testbed.fundAccounts.get(fundAccountNo)).relationships).toEqual([expect.objectContaining({ bankCode: BANK, status: 'CANCELLED' })]);

    // The same verdict delivered again (a redelivery under another message id) records nothing twice.
    await ledgerClosed(message);
    expect(await testbed.functionsOf(relationshipId)).toHaveLength(3);
  });

  it('profile §4.1 "11004": a pre-designated relationship is handed on without BkAcct; a designated one without BkAcct is 2044', async () => {
    const pre = await testbed.preDesignated(BANK);
    const preMessage = request(pre.fundAccountNo, serial(), { bankAccountNo: null });
    await handle(preMessage);
    expect(await accepted(preMessage)).toMatchObject({ relationshipId: pre.relationshipId });

    const { fundAccountNo, relationshipId } = await testbed.designated(BANK);
    const noAccount = request(fundAccountNo, serial(), { bankAccountNo: null });
    await handle(noAccount);
    expect(await answered(noAccount)).toEqual(['2044']);
    expect(await designations.find(relationshipId)).toMatchObject({ status: 'DESIGNATED' });
  });

  it('profile §4.1: unknown fund account 2011, a relationship at another bank or with another bank account 2013, a positive ScBal 2033 — answered from here, nothing changed', async () => {
    const { fundAccountNo, relationshipId } = await testbed.designated(BANK);
    const cases: Array<[ReturnType<typeof request>, string]> = [
      [request(uniqueFundAccountNo(), serial()), '2011'],
      [request(fundAccountNo, serial(), { bankCode: OTHER_BANK }), '2013'],
      [request(fundAccountNo, serial(), { bankAccountNo: '6222000000000000001' }), '2013'],
      [request(fundAccountNo, serial(), { leavingBalance: '120.50' }), '2033'],
    ];
    for (const [message, code] of cases) {
      await handle(message);
      expect(await answered(message)).toEqual([code]);
    }
    expect(await designations.find(relationshipId)).toMatchObject({ status: 'DESIGNATED' });
    expect(await testbed.functionsOf(relationshipId)).toHaveLength(2);
  });

  it('bank-protocol.md §4 idempotency: a refusal repeated is answered again from here; an accepted one repeated goes to the ledger again, cancelled since or not; the serial with other content is 2004', async () => {
    const { fundAccountNo, relationshipId } = await testbed.designated(BANK);
    const refusedSerial = serial();
    await handle(request(fundAccountNo, refusedSerial, { bankAccountNo: '6222000000000000001' }));
    const refusedAgain = request(fundAccountNo, refusedSerial, { bankAccountNo: '6222000000000000001' });
    await handle(refusedAgain);
    expect(await answered(refusedAgain)).toEqual(['2013']);

    const serialNo = serial();
    const first = request(fundAccountNo, serialNo);
    await handle(first);
    await ledgerClosed(first);
    const repeat = request(fundAccountNo, serialNo);
    await handle(repeat);
    expect(await accepted(repeat)).toMatchObject({ relationshipId, bankSerialNo: serialNo, reply: { inboundId: repeat.inboundId } });

    const reused = request(fundAccountNo, serialNo, { bankAccountNo: null });
    await handle(reused);
    expect(await answered(reused)).toEqual(['2004']);
    expect(await testbed.functionsOf(relationshipId)).toHaveLength(3);
  });
});
