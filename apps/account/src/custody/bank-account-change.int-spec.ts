import { randomUUID } from 'node:crypto';
import { bankReplyReadyFor } from '@custody/contracts';
import { requireInfrastructure, uniqueDigits, uniqueFundAccountNo, type TestDatabase } from '@custody/testing';
import { createCustodyTestbed, CUSTODY_TEST_ID_NUMBER, type CustodyTestbed } from '../testing/custody-testbed';
import type { BankAccountChangeService } from './bank-account-change.service';

const BANK = '1021000';
const OTHER_BANK = '1051000';
const OLD = '6222000033334444';
const NEW = '6222000055556666';
const REPLY_TOPIC = bankReplyReadyFor(BANK).name;
const CHANGED_TOPIC = 'custody.internal.relationship.bank-account-changed.1';

/** F-3.4 B against the real PostgreSQL: what account records and answers for a bank's change of the settlement account. */
describe('F-3.4 B: account on a bank settlement account change (11006)', () => {
  let db: TestDatabase;
  let testbed: CustodyTestbed;
  let bankAccountChanges: BankAccountChangeService;

  beforeAll(async () => {
    await requireInfrastructure({ postgres: true });
    testbed = await createCustodyTestbed('account-bank-account-change');
    ({ db, bankAccountChanges } = testbed);
  });

  afterAll(() => db?.drop());

  /** The bank's 11006 as the adapter forwards it: a fresh inbound id and a freshly sealed ID number each time. */
  function request(fundAccountNo: string, serialNo: string, fields: { old?: string; new?: string; name?: string; idNumber?: string; customer?: false; currency?: string } = {}) {
    return {
      inboundId: randomUUID(),
      bankCode: BANK,
      route: { adapterInstanceId: 'inst-1', sessionId: 's0', requestRef: { serialNo, issuerType: 'B' as const, issuerId: BANK } },
      function: 'CHANGE_BANK_ACCOUNT' as const,
      serialNo,
      businessDate: '2026-11-24',
      receivedAt: new Date().toISOString(),
      fundAccountNo,
      currency: fields.currency ?? 'CNY',
      bankAccountNo: fields.old ?? OLD,
      newBankAccountNo: fields.new ?? NEW,
      ...(fields.customer === false
        ? {}
        : { customer: { name: fields.name ?? '李四', idType: '10', idNumber: testbed.sealer.seal(fields.idNumber ?? CUSTODY_TEST_ID_NUMBER) } }),
    };
  }

  const serial = () => `B${uniqueDigits(12)}`;
  const handle = (message: ReturnType<typeof request>) => db.dataSource.transaction((m) => bankAccountChanges.handle(m, message));
  const bankAccountOf = async (relationshipId: string) => (await testbed.designations.find(relationshipId)).bankAccountNo;
  const amountsOf = async (relationshipId: string): Promise<Array<{ function_code: string; amount: string | null }>> =>
    db.dataSource.query(`SELECT function_code, amount::text FROM account.account_functions WHERE relationship_id = $1 ORDER BY seq`, [relationshipId]);

  it("F-3.4 B: an accepted change puts the new account on the relationship, records the day's 11006 (B, the new account, 金额 0) and hands the reply to the ledger", async () => {
    const { fundAccountNo, relationshipId } = await testbed.designated(BANK, { bankAccountNo: OLD });
    const message = request(fundAccountNo, serial());
    await handle(message);

    expect(await bankAccountOf(relationshipId)).toBe(NEW);
    expect((await testbed.functionsOf(relationshipId))[2]).toEqual({
      function_code: '11006', initiator: 'B', bank_serial_no: message.serialNo, broker_serial_no: null, bank_account_no: NEW,
      custody_account_no: 'K11003', business_date: '2026-11-24', status_after: 'DESIGNATED', amount: '0.00',
    });
    expect((await amountsOf(relationshipId))[2]).toEqual({ function_code: '11006', amount: '0.00' });
    // No reply from here: the transfer service answers once the ledger holds the new account.
    expect(await testbed.outboxFor(message.inboundId)).toEqual([
      { topic: CHANGED_TOPIC, payload: { relationshipId, fundAccountNo, currency: 'CNY', bankCode: BANK, bankAccountNo: NEW, reply: { inboundId: message.inboundId, route: message.route } } },
    ]);
  });

  describe('refusals, answered from here with nothing changed', () => {
    const refusedWith = async (relationshipId: string | undefined, message: ReturnType<typeof request>, code: string) => {
      const before = relationshipId && (await testbed.functionsOf(relationshipId)).length;
      await handle(message);
      expect(await testbed.outboxFor(message.inboundId)).toEqual([{ topic: REPLY_TOPIC, payload: expect.objectContaining({ returnCode: code, function: 'CHANGE_BANK_ACCOUNT' }) }]);
      if (!relationshipId) return;
      expect(await testbed.functionsOf(relationshipId)).toHaveLength(before as number);
    };

    it('profile §4.1: an old account other than the linked one is 2013, the new one equal to it 2014, a relationship at another bank 2013', async () => {
      const { fundAccountNo, relationshipId } = await testbed.designated(BANK, { bankAccountNo: OLD });
      await refusedWith(relationshipId, request(fundAccountNo, serial(), { old: '6222000099990000' }), '2013');
      await refusedWith(relationshipId, request(fundAccountNo, serial(), { new: OLD }), '2014');
      const elsewhere = await testbed.designated(OTHER_BANK, { bankAccountNo: OLD });
      await refusedWith(elsewhere.relationshipId, request(elsewhere.fundAccountNo, serial()), '2013');
      await refusedWith(relationshipId, request(fundAccountNo, serial(), { currency: 'USD' }), '2013');
      expect(await bankAccountOf(relationshipId)).toBe(OLD);
    });

    it("profile §4.1, F-3.4: a new account's holder by another name is 2047, by another ID number 2009", async () => {
      const { fundAccountNo, relationshipId } = await testbed.designated(BANK, { bankAccountNo: OLD });
      await refusedWith(relationshipId, request(fundAccountNo, serial(), { name: '王五' }), '2047');
      await refusedWith(relationshipId, request(fundAccountNo, serial(), { idNumber: '110101199003079999' }), '2009');
      expect(await bankAccountOf(relationshipId)).toBe(OLD);
    });

    it('§7.23: a pre-designated relationship is 3003; a frozen one 2010; an unknown fund account 2011; an 11006 without Cust or ScAcct 2044', async () => {
      const pre = await testbed.preDesignated(BANK);
      await refusedWith(pre.relationshipId, request(pre.fundAccountNo, serial()), '3003');

      const { fundAccountNo, relationshipId } = await testbed.designated(BANK, { bankAccountNo: OLD });
      await db.dataSource.query(`UPDATE account.custody_relationships SET account_status = 'FROZEN' WHERE id = $1`, [relationshipId]);
      await refusedWith(relationshipId, request(fundAccountNo, serial()), '2010');
      expect(await bankAccountOf(relationshipId)).toBe(OLD);

      await refusedWith(undefined, request(uniqueFundAccountNo(), serial()), '2011');
      await refusedWith(relationshipId, request(fundAccountNo, serial(), { customer: false }), '2044');
      await refusedWith(undefined, request('', serial()), '2044');
    });
  });

  it('bank-protocol.md §4 idempotency: a repeat of an accepted change goes to the ledger with the account held now (never undoing a later change); a repeated refusal is answered again; the serial with other content is 2004', async () => {
    const { fundAccountNo, relationshipId } = await testbed.designated(BANK, { bankAccountNo: OLD });
    const first = request(fundAccountNo, serial());
    await handle(first);
    const THIRD = '6222000077778888';
    await handle(request(fundAccountNo, serial(), { old: NEW, new: THIRD }));

    const repeat = request(fundAccountNo, first.serialNo);
    await handle(repeat);
    expect(await testbed.outboxFor(repeat.inboundId)).toEqual([{ topic: CHANGED_TOPIC, payload: expect.objectContaining({ bankAccountNo: THIRD }) }]);
    expect(await bankAccountOf(relationshipId)).toBe(THIRD);

    const refused = request(fundAccountNo, serial(), { new: THIRD, old: THIRD });
    await handle(refused);
    const refusedAgain = { ...refused, inboundId: randomUUID() };
    await handle(refusedAgain);
    expect(await testbed.outboxFor(refusedAgain.inboundId)).toEqual([{ topic: REPLY_TOPIC, payload: expect.objectContaining({ returnCode: '2014' }) }]);

    const reused = request(fundAccountNo, first.serialNo, { new: '6222000011112222' });
    await handle(reused);
    expect(await testbed.outboxFor(reused.inboundId)).toEqual([{ topic: REPLY_TOPIC, payload: expect.objectContaining({ returnCode: '2004' }) }]);
    expect(await bankAccountOf(relationshipId)).toBe(THIRD);
    expect((await testbed.functionsOf(relationshipId)).map((row) => row.function_code)).toEqual(['11002', '11003', '11006', '11006']);
  });
});
