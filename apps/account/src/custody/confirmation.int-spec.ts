import { requireInfrastructure, uniqueDigits, type TestDatabase } from '@custody/testing';
import { bankReplyReadyFor } from '@custody/contracts';
import { createCustodyTestbed, CUSTODY_TEST_ID_NUMBER, type CustodyTestbed } from '../testing/custody-testbed';
import type { ConfirmationService } from './confirmation.service';
import type { DesignationService } from './designation.service';
import type { BankDays } from '../day/bank-days';

const BANK = '1021000';
const REPLY_TOPIC = bankReplyReadyFor(BANK).name;
const ID_NUMBER = CUSTODY_TEST_ID_NUMBER;

/** F-3.2 B against the real PostgreSQL: what account records and answers for a bank's 11003. */
describe('F-3.2 B: account on a bank confirmation of a pre-designation (11003)', () => {
  let db: TestDatabase;
  let designations: DesignationService;
  let confirmations: ConfirmationService;
  let bankDays: BankDays;
  let testbed: CustodyTestbed;

  beforeAll(async () => {
    await requireInfrastructure({ postgres: true });
    testbed = await createCustodyTestbed('account-confirmation');
    ({ db, designations, confirmations, bankDays } = testbed);
  });

  afterAll(() => db?.drop());

  const preDesignated = () => testbed.preDesignated(BANK);
  const request = (fundAccountNo: string, serialNo: string, fields?: { name?: string; bankAccountNo?: string }) => testbed.confirmation(BANK, fundAccountNo, serialNo, fields);
  const outboxFor = (inboundId: string) => testbed.outboxFor(inboundId);
  const functionsOf = (relationshipId: string) => testbed.functionsOf(relationshipId);

  const handle = (message: ReturnType<typeof request>) => db.dataSource.transaction((m) => confirmations.handle(m, message));

  it('F-3.2: an accepted confirmation records DESIGNATED with the bank account and the day\'s 11003 (B, bank serial), and hands the reply to the ledger', async () => {
    const { fundAccountNo, relationshipId } = await preDesignated();
    const message = request(fundAccountNo, `B${uniqueDigits(12)}`);
    await handle(message);
    expect(await designations.find(relationshipId)).toMatchObject({ status: 'DESIGNATED', bankAccountNo: '6222000033334444', custodyAccountNo: 'K11003' });
    expect((await functionsOf(relationshipId))[1]).toEqual({
      function_code: '11003', initiator: 'B', bank_serial_no: message.serialNo, broker_serial_no: null, bank_account_no: '6222000033334444',
      custody_account_no: 'K11003', business_date: '2026-11-24', status_after: 'DESIGNATED', amount: null,
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
    expect(await outboxFor(reused.inboundId)).toEqual([{ topic: REPLY_TOPIC, payload: expect.objectContaining({ returnCode: '2004', function: 'CONFIRM_DESIGNATION' }) }]);
    expect(await functionsOf(relationshipId)).toHaveLength(2);
    expect(await designations.find(relationshipId)).toMatchObject({ bankAccountNo: '6222000033334444' });
  });

  it("profile §4.1: a refusal (name not our customer's, 2047) is answered from here, changes nothing, and its repeat gets 2047 again", async () => {
    const { fundAccountNo, relationshipId } = await preDesignated();
    const serialNo = `B${uniqueDigits(12)}`;
    for (const message of [request(fundAccountNo, serialNo, { name: '张三' }), request(fundAccountNo, serialNo, { name: '张三' })]) {
      await handle(message);
      const [reply] = await outboxFor(message.inboundId);
      expect(reply).toEqual({ topic: REPLY_TOPIC, payload: expect.objectContaining({ returnCode: '2047', route: message.route }) });
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
    expect(await outboxFor(again.inboundId)).toEqual([{ topic: REPLY_TOPIC, payload: expect.objectContaining({ returnCode: '3003' }) }]);
  });
  it('bank-protocol.md §7 step 3: an 11003 the bank starts after its 13011 is recorded on the next business date, as the bank lists it', async () => {
    const { fundAccountNo, relationshipId } = await preDesignated();
    await db.dataSource.transaction((m) => bankDays.apply(m, { bankCode: BANK, businessDate: '2026-11-24', phase: 'ENDED', changedAt: new Date().toISOString() }));

    await handle(request(fundAccountNo, `B${uniqueDigits(12)}`));

    expect((await functionsOf(relationshipId))[1]).toMatchObject({ function_code: '11003', business_date: '2026-11-25' });
  });
});
