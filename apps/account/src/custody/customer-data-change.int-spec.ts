import { randomUUID } from 'node:crypto';
import { bankReplyReadyFor } from '@custody/contracts';
import { requireInfrastructure, uniqueDigits, uniqueFundAccountNo, type TestDatabase } from '@custody/testing';
import { createCustodyTestbed, CUSTODY_TEST_ID_NUMBER, type CustodyTestbed } from '../testing/custody-testbed';
import type { CustomerDataChangeService } from './customer-data-change.service';

const BANK = '1021000';
const OTHER_BANK = '1051000';
const REPLY_TOPIC = bankReplyReadyFor(BANK).name;

/** F-3.5 B against the real PostgreSQL: what account changes, records, tells and answers for a bank's customer data change. */
describe('F-3.5 B: account on a bank customer data change (11005)', () => {
  let db: TestDatabase;
  let testbed: CustodyTestbed;
  let customerDataChanges: CustomerDataChangeService;

  beforeAll(async () => {
    await requireInfrastructure({ postgres: true });
    testbed = await createCustodyTestbed('account-customer-data-change');
    ({ db, customerDataChanges } = testbed);
  });

  afterAll(() => db?.drop());

  /** The bank's 11005 as the adapter forwards it: a fresh inbound id and a freshly sealed ID number each time. */
  function request(fundAccountNo: string, serialNo: string, customer: { name?: string; idNumber?: string; phone?: string; address?: string; email?: string } = {}) {
    const { name = '李思', idNumber = CUSTODY_TEST_ID_NUMBER, ...contact } = customer;
    return {
      inboundId: randomUUID(),
      bankCode: BANK,
      route: { adapterInstanceId: 'inst-1', sessionId: 's0', requestRef: { serialNo, issuerType: 'B' as const, issuerId: BANK } },
      function: 'CHANGE_CUSTOMER' as const,
      serialNo,
      businessDate: '2026-11-24',
      receivedAt: new Date().toISOString(),
      fundAccountNo,
      customer: { name, idType: '10', idNumber: testbed.sealer.seal(idNumber), ...contact },
    };
  }

  const serial = () => `B${uniqueDigits(12)}`;
  const handle = (message: ReturnType<typeof request>) => db.dataSource.transaction((m) => customerDataChanges.handle(m, message));
  const outboxOf = async (topic: string, customerNo: string): Promise<Array<Record<string, unknown>>> =>
    (
      await db.dataSource.query(`SELECT envelope FROM account.outbox WHERE topic = $1 AND envelope->'payload'->>'customerNo' = $2 ORDER BY id`, [
        `custody.internal.${topic}.1`,
        customerNo,
      ])
    ).map((row: { envelope: { payload: Record<string, unknown> } }) => row.envelope.payload);
  /** The broker's 11005s (F-3.5 S) opened to tell the customer's other banks. */
  const toldOf = async (customerNo: string): Promise<Array<{ bank_code: string; fund_account_no: string; requested_by: string | null }>> =>
    db.dataSource.query(
      `SELECT q.bank_code, q.fund_account_no, q.requested_by FROM account.custody_function_requests q
         JOIN account.customer_data_propagations p ON p.function_id = q.id WHERE p.customer_no = $1 ORDER BY q.created_at`,
      [customerNo],
    );
  const requestedOf = async (fundAccountNo: string): Promise<Array<Record<string, unknown>>> =>
    (
      await db.dataSource.query(`SELECT envelope FROM account.outbox WHERE topic = $1 AND envelope->'payload'->>'fundAccountNo' = $2 ORDER BY id`, [
        'custody.internal.custody.function-requested.1',
        fundAccountNo,
      ])
    ).map((row: { envelope: { payload: Record<string, unknown> } }) => row.envelope.payload);
  const amountsOf = async (relationshipId: string): Promise<Array<{ function_code: string; amount: string | null }>> =>
    db.dataSource.query(`SELECT function_code, amount::text FROM account.account_functions WHERE relationship_id = $1 ORDER BY seq`, [relationshipId]);

  it("F-3.5 B: an accepted change sets the name and contact data, records the day's 11005 (金额 0), renames the ledgers' customer, tells the other banks and answers 0000", async () => {
    const here = await testbed.designated(BANK);
    const auxiliary = await testbed.preDesignated(OTHER_BANK, here.customerNo);
    const message = request(here.fundAccountNo, serial(), { phone: '13900000000', address: '北京市西城区金融大街1号' });
    await handle(message);

    expect(await testbed.customers.get(here.customerNo)).toMatchObject({ name: '李思', phone: '13900000000', address: '北京市西城区金融大街1号', idNumberMasked: `************${CUSTODY_TEST_ID_NUMBER.slice(-4)}` });
    expect((await testbed.functionsOf(here.relationshipId))[2]).toEqual({
      function_code: '11005', initiator: 'B', bank_serial_no: message.serialNo, broker_serial_no: null, bank_account_no: '6222000033334444',
      custody_account_no: 'K11003', business_date: '2026-11-24', status_after: 'DESIGNATED', amount: '0.00',
    });
    expect((await amountsOf(here.relationshipId))[2]).toEqual({ function_code: '11005', amount: '0.00' });
    // No ledger to change: account answers the bank itself.
    expect(await testbed.outboxFor(message.inboundId)).toEqual([{ topic: REPLY_TOPIC, payload: expect.objectContaining({ returnCode: '0000', function: 'CHANGE_CUSTOMER' }) }]);
    const renamed = await outboxOf('customer.renamed', here.customerNo);
    expect(renamed.map((event) => event.fundAccountNo).sort()).toEqual([here.fundAccountNo, auxiliary.fundAccountNo].sort());
    expect(renamed.every((event) => event.customerName === '李思')).toBe(true);

    // Every other bank holding a relationship of the customer (a pre-designation too), never the bank that changed it,
    // is sent the broker's own 11005 (F-3.5 S) in this transaction, on behalf of the bank that made the change.
    expect(await toldOf(here.customerNo)).toEqual([{ bank_code: OTHER_BANK, fund_account_no: auxiliary.fundAccountNo, requested_by: `bank:${BANK}` }]);
    const [sent] = await requestedOf(auxiliary.fundAccountNo);
    expect(sent).toMatchObject({
      function: 'CHANGE_CUSTOMER',
      bankCode: OTHER_BANK,
      customer: { name: '李思', type: 'INDIVIDUAL', idType: '10', idNumber: { sealed: expect.any(String) }, phone: '13900000000', address: '北京市西城区金融大街1号' },
    });
    // Sealed as at rest: the adapter opens it.
    expect(testbed.sealer.open((sent.customer as { idNumber: { sealed: string } }).idNumber)).toBe(CUSTODY_TEST_ID_NUMBER);
    expect(JSON.stringify(sent)).not.toContain(CUSTODY_TEST_ID_NUMBER);
  });

  it('profile §4.1 "where changed": data the customer has already is recorded and answered 0000, and nothing is told or renamed', async () => {
    const { customerNo, fundAccountNo, relationshipId } = await testbed.designated(BANK);
    const message = request(fundAccountNo, serial(), { name: '李四' });
    await handle(message);
    expect(await testbed.outboxFor(message.inboundId)).toEqual([{ topic: REPLY_TOPIC, payload: expect.objectContaining({ returnCode: '0000' }) }]);
    expect((await testbed.functionsOf(relationshipId)).map((row) => row.function_code)).toEqual(['11002', '11003', '11005']);
    expect(await toldOf(customerNo)).toEqual([]);
    expect(await outboxOf('customer.renamed', customerNo)).toEqual([]);
  });

  describe('refusals, answered from here with nothing changed', () => {
    const refusedWith = async (customer: { customerNo: string; relationshipId: string } | undefined, message: ReturnType<typeof request>, code: string) => {
      await handle(message);
      expect(await testbed.outboxFor(message.inboundId)).toEqual([{ topic: REPLY_TOPIC, payload: expect.objectContaining({ returnCode: code, function: 'CHANGE_CUSTOMER' }) }]);
      if (!customer) return;
      expect(await testbed.customers.get(customer.customerNo)).toMatchObject({ name: '李四' });
      expect((await testbed.functionsOf(customer.relationshipId)).map((row) => row.function_code)).not.toContain('11005');
      expect(await toldOf(customer.customerNo)).toEqual([]);
    };

    it("profile §4.1 (the broker's record prevails): a new ID number from the bank is refused 2009, the name with it unchanged", async () => {
      const customer = await testbed.designated(BANK);
      await refusedWith(customer, request(customer.fundAccountNo, serial(), { idNumber: '110101199003079999' }), '2009');
    });

    it('profile §4.1: a fund account with no relationship at this bank is 2013, an unknown one 2011, none named 2044', async () => {
      const elsewhere = await testbed.designated(OTHER_BANK);
      await refusedWith(elsewhere, request(elsewhere.fundAccountNo, serial()), '2013');
      await refusedWith(undefined, request(uniqueFundAccountNo(), serial()), '2011');
      await refusedWith(undefined, request('', serial()), '2044');
    });
  });

  it('bank-protocol.md §4 idempotency: a repeat gets its first answer and changes or tells nothing again; the serial with other content is 2004', async () => {
    const { customerNo, fundAccountNo, relationshipId } = await testbed.designated(BANK);
    await testbed.designated(OTHER_BANK, { customerNo });
    const first = request(fundAccountNo, serial(), { name: '李思' });
    await handle(first);
    const repeat = { ...first, inboundId: randomUUID(), customer: { ...first.customer, idNumber: testbed.sealer.seal(CUSTODY_TEST_ID_NUMBER) } };
    await handle(repeat);
    expect(await testbed.outboxFor(repeat.inboundId)).toEqual([{ topic: REPLY_TOPIC, payload: expect.objectContaining({ returnCode: '0000' }) }]);

    const reused = request(fundAccountNo, first.serialNo, { name: '李斯' });
    await handle(reused);
    expect(await testbed.outboxFor(reused.inboundId)).toEqual([{ topic: REPLY_TOPIC, payload: expect.objectContaining({ returnCode: '2004' }) }]);
    expect(await testbed.customers.get(customerNo)).toMatchObject({ name: '李思' });
    expect((await testbed.functionsOf(relationshipId)).map((row) => row.function_code)).toEqual(['11002', '11003', '11005']);
    expect(await toldOf(customerNo)).toHaveLength(1);
  });
});
