import { randomUUID } from 'node:crypto';
import { requireInfrastructure, uniqueDigits, uniqueFundAccountNo, type TestDatabase } from '@custody/testing';
import type { SecretSealer } from '@custody/service-kit';
import type { CustomerService } from '../customers/customer.service';
import type { FundAccountService } from '../fund-accounts/fund-account.service';
import { createCustodyTestbed } from '../testing/custody-testbed';
import type { ConfirmationService } from './confirmation.service';
import type { DesignationService } from './designation.service';
import type { BankDays } from '../day/bank-days';

const BANK = '1021000';
const ID_NUMBER = '110101199003071234';

/** F-3.2 B against the real PostgreSQL: what account records and answers for a bank's 11003. */
describe('F-3.2 B: account on a bank confirmation of a pre-designation (11003)', () => {
  let db: TestDatabase;
  let sealer: SecretSealer;
  let customers: CustomerService;
  let fundAccounts: FundAccountService;
  let designations: DesignationService;
  let confirmations: ConfirmationService;
  let bankDays: BankDays;

  beforeAll(async () => {
    await requireInfrastructure({ postgres: true });
    ({ db, sealer, customers, fundAccounts, designations, confirmations, bankDays } = await createCustodyTestbed('account-confirmation'));
  });

  afterAll(() => db?.drop());

  /** A fund account of 李四 pre-designated at BANK (the saga's verdict applied as transfer hands it on). */
  async function preDesignated() {
    const customerNo = `C${randomUUID().slice(0, 8)}`;
    await customers.put(customerNo, { name: '李四', type: 'INDIVIDUAL', idType: '10', idNumber: ID_NUMBER });
    const fundAccountNo = uniqueFundAccountNo();
    await fundAccounts.open({ requestId: randomUUID(), fundAccountNo, customerNo, currency: 'CNY', role: 'PRIMARY', branchId: '0001' });
    const relationshipId = await designations.preDesignate({ requestId: randomUUID(), fundAccountNo, currency: 'CNY', bankCode: BANK });
    await db.dataSource.transaction((m) =>
      designations.resolve(m, { relationshipId, fundAccountNo, currency: 'CNY', bankCode: BANK, status: 'PRE_DESIGNATED', custodyAccountNo: 'K11003', businessDate: '2026-11-23' }),
    );
    return { fundAccountNo, relationshipId };
  }

  /** The bank's 11003 as the adapter forwards it: a fresh inbound id and a freshly sealed ID number each time. */
  function request(fundAccountNo: string, serialNo: string, fields: { name?: string; bankAccountNo?: string } = {}) {
    const inboundId = randomUUID();
    return {
      inboundId,
      bankCode: BANK,
      route: { adapterInstanceId: 'inst-1', sessionId: 's0', requestRef: { serialNo, issuerType: 'B' as const, issuerId: BANK } },
      function: 'CONFIRM_DESIGNATION' as const,
      serialNo,
      businessDate: '2026-11-24',
      receivedAt: new Date().toISOString(),
      fundAccountNo,
      currency: 'CNY',
      bankAccountNo: fields.bankAccountNo ?? '6222000033334444',
      customer: { name: fields.name ?? '李四', idType: '10', idNumber: sealer.seal(ID_NUMBER) },
    };
  }

  const handle = (message: ReturnType<typeof request>) => db.dataSource.transaction((m) => confirmations.handle(m, message));

  async function outboxFor(inboundId: string): Promise<Array<{ topic: string; payload: Record<string, unknown> }>> {
    const rows: Array<{ topic: string; envelope: { payload: Record<string, unknown> } }> = await db.dataSource.query(
      `SELECT topic, envelope FROM account.outbox WHERE envelope->'payload'->>'inboundId' = $1 OR envelope->'payload'->'reply'->>'inboundId' = $1`,
      [inboundId],
    );
    return rows.map((r) => ({ topic: r.topic, payload: r.envelope.payload }));
  }

  const functionsOf = (relationshipId: string) =>
    db.dataSource.query(
      `SELECT function_code, initiator, bank_serial_no, broker_serial_no, bank_account_no, custody_account_no, business_date::text, status_after
         FROM account.account_functions WHERE relationship_id = $1 ORDER BY seq`,
      [relationshipId],
    );

  it('F-3.2: an accepted confirmation records DESIGNATED with the bank account and the day\'s 11003 (B, bank serial), and hands the reply to the ledger', async () => {
    const { fundAccountNo, relationshipId } = await preDesignated();
    const message = request(fundAccountNo, `B${uniqueDigits(12)}`);
    await handle(message);
    expect(await designations.find(relationshipId)).toMatchObject({ status: 'DESIGNATED', bankAccountNo: '6222000033334444', custodyAccountNo: 'K11003' });
    expect((await functionsOf(relationshipId))[1]).toEqual({
      function_code: '11003', initiator: 'B', bank_serial_no: message.serialNo, broker_serial_no: null, bank_account_no: '6222000033334444',
      custody_account_no: 'K11003', business_date: '2026-11-24', status_after: 'DESIGNATED',
    });
    // No reply from here: the transfer service answers once the ledger is linked.
    expect(await outboxFor(message.inboundId)).toEqual([
      { topic: 'custody.internal.designation.confirmed.1', payload: expect.objectContaining({ relationshipId, fundAccountNo, bankAccountNo: '6222000033334444', reply: { inboundId: message.inboundId, route: message.route } }) },
    ]);
  });

  it('bank-protocol.md §4 idempotency: a repeat of an accepted 11003 goes through the ledger again and records nothing more; its serial with other content is refused 2004', async () => {
    const { fundAccountNo, relationshipId } = await preDesignated();
    const serialNo = `B${uniqueDigits(12)}`;
    await handle(request(fundAccountNo, serialNo));
    const repeat = request(fundAccountNo, serialNo);
    await handle(repeat);
    expect(await outboxFor(repeat.inboundId)).toEqual([{ topic: 'custody.internal.designation.confirmed.1', payload: expect.objectContaining({ relationshipId }) }]);
    const reused = request(fundAccountNo, serialNo, { bankAccountNo: '6222000055556666' });
    await handle(reused);
    expect(await outboxFor(reused.inboundId)).toEqual([{ topic: 'custody.internal.bank.reply-ready.1', payload: expect.objectContaining({ returnCode: '2004', function: 'CONFIRM_DESIGNATION' }) }]);
    expect(await functionsOf(relationshipId)).toHaveLength(2);
    expect(await designations.find(relationshipId)).toMatchObject({ bankAccountNo: '6222000033334444' });
  });

  it("profile §4.1: a refusal (name not our customer's, 2047) is answered from here, changes nothing, and its repeat gets 2047 again", async () => {
    const { fundAccountNo, relationshipId } = await preDesignated();
    const serialNo = `B${uniqueDigits(12)}`;
    for (const message of [request(fundAccountNo, serialNo, { name: '张三' }), request(fundAccountNo, serialNo, { name: '张三' })]) {
      await handle(message);
      const [reply] = await outboxFor(message.inboundId);
      expect(reply).toEqual({ topic: 'custody.internal.bank.reply-ready.1', payload: expect.objectContaining({ returnCode: '2047', route: message.route }) });
      expect(JSON.stringify(reply)).not.toContain(ID_NUMBER);
    }
    expect(await designations.find(relationshipId)).toMatchObject({ status: 'PRE_DESIGNATED', bankAccountNo: null });
    expect(await functionsOf(relationshipId)).toHaveLength(1);
  });

  it('profile §4.1: a fund account already DESIGNATED is refused 3003', async () => {
    const { fundAccountNo } = await preDesignated();
    await handle(request(fundAccountNo, `B${uniqueDigits(12)}`));
    const again = request(fundAccountNo, `B${uniqueDigits(12)}`);
    await handle(again);
    expect(await outboxFor(again.inboundId)).toEqual([{ topic: 'custody.internal.bank.reply-ready.1', payload: expect.objectContaining({ returnCode: '3003' }) }]);
  });
  it('bank-protocol.md §7 step 3: an 11003 the bank starts after its 13011 is recorded on the next business date, as the bank lists it', async () => {
    const { fundAccountNo, relationshipId } = await preDesignated();
    await db.dataSource.transaction((m) => bankDays.apply(m, { bankCode: BANK, businessDate: '2026-11-24', phase: 'ENDED', changedAt: new Date().toISOString() }));

    await handle(request(fundAccountNo, `B${uniqueDigits(12)}`));

    expect((await functionsOf(relationshipId))[1]).toMatchObject({ function_code: '11003', business_date: '2026-11-25' });
  });
});
