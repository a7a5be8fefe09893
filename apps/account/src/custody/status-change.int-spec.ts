import { requireInfrastructure, uniqueDigits, uniqueFundAccountNo, type TestDatabase } from '@custody/testing';
import { bankReplyReadyFor } from '@custody/contracts';
import { createCustodyTestbed, type CustodyTestbed } from '../testing/custody-testbed';
import type { ConfirmationService } from './confirmation.service';
import type { DesignationService } from './designation.service';
import type { StatusChangeService } from './status-change.service';

const BANK = '1021000';
const REPLY_TOPIC = bankReplyReadyFor(BANK).name;

/** 11011 B against the real PostgreSQL: what account records and answers for a bank's status change. */
describe('11011 B: account on a bank status change (freeze, loss report)', () => {
  let db: TestDatabase;
  let testbed: CustodyTestbed;
  let designations: DesignationService;
  let confirmations: ConfirmationService;
  let statusChanges: StatusChangeService;

  beforeAll(async () => {
    await requireInfrastructure({ postgres: true });
    testbed = await createCustodyTestbed('account-status-change');
    ({ db, designations, confirmations, statusChanges } = testbed);
  });

  afterAll(() => db?.drop());

  const preDesignated = () => testbed.preDesignated(BANK);
  const confirmation = (fundAccountNo: string, serialNo: string, fields?: { name?: string; bankAccountNo?: string }) => testbed.confirmation(BANK, fundAccountNo, serialNo, fields);
  const outboxFor = (inboundId: string) => testbed.outboxFor(inboundId);
  const functionsOf = (relationshipId: string) => testbed.functionsOf(relationshipId);

  /** A fund account designated at BANK by the bank's confirmation of its pre-designation. */
  async function designated() {
    const { fundAccountNo, relationshipId } = await preDesignated();
    await db.dataSource.transaction((m) => confirmations.handle(m, confirmation(fundAccountNo, `B${uniqueDigits(12)}`)));
    return { fundAccountNo, relationshipId };
  }

  const request = (fundAccountNo: string, serialNo: string, accountStatus: 'NORMAL' | 'FROZEN' | 'LOST') => testbed.statusChange(BANK, fundAccountNo, serialNo, accountStatus);

  const handle = (message: ReturnType<typeof request>) => db.dataSource.transaction((m) => statusChanges.handle(m, message));
  const accountStatusOf = async (relationshipId: string) =>
    (await db.dataSource.query(`SELECT account_status FROM account.custody_relationships WHERE id = $1`, [relationshipId]))[0].account_status;

  it("profile §4.1: an accepted freeze sets the relationship FROZEN (still DESIGNATED), records the day's 11011 (B, bank serial) and hands the reply to the ledger", async () => {
    const { fundAccountNo, relationshipId } = await designated();
    const message = request(fundAccountNo, `B${uniqueDigits(12)}`, 'FROZEN');
    await handle(message);
    expect(await accountStatusOf(relationshipId)).toBe('FROZEN');
    expect(await designations.find(relationshipId)).toMatchObject({ status: 'DESIGNATED' });
    expect((await functionsOf(relationshipId))[2]).toEqual({
      function_code: '11011', initiator: 'B', bank_serial_no: message.serialNo, broker_serial_no: null, bank_account_no: '6222000033334444',
      custody_account_no: 'K11003', business_date: '2026-11-24', status_after: 'DESIGNATED', amount: null,
    });
    // No reply from here: the transfer service answers once the ledger is frozen.
    expect(await outboxFor(message.inboundId)).toEqual([
      { topic: 'custody.internal.relationship.status-changed.1', payload: { fundAccountNo, bankCode: BANK, accountStatus: 'FROZEN', reply: { inboundId: message.inboundId, route: message.route } } },
    ]);
  });

  it('profile §4.1, §7.23: the same status again is refused from here (5003 frozen, 5004 normal) and changes nothing', async () => {
    const { fundAccountNo, relationshipId } = await designated();
    const normalAgain = request(fundAccountNo, `B${uniqueDigits(12)}`, 'NORMAL');
    await handle(normalAgain);
    expect(await outboxFor(normalAgain.inboundId)).toEqual([{ topic: REPLY_TOPIC, payload: expect.objectContaining({ returnCode: '5004', function: 'CHANGE_ACCOUNT_STATUS' }) }]);
    await handle(request(fundAccountNo, `B${uniqueDigits(12)}`, 'FROZEN'));
    const frozenAgain = request(fundAccountNo, `B${uniqueDigits(12)}`, 'FROZEN');
    await handle(frozenAgain);
    expect(await outboxFor(frozenAgain.inboundId)).toEqual([{ topic: REPLY_TOPIC, payload: expect.objectContaining({ returnCode: '5003' }) }]);
    expect(await functionsOf(relationshipId)).toHaveLength(3);
  });

  it('bank-protocol.md §4 idempotency: a repeat of an accepted freeze goes to the ledger with the status held now (never undoing a later unfreeze); its serial with other content is 2004', async () => {
    const { fundAccountNo, relationshipId } = await designated();
    const serialNo = `B${uniqueDigits(12)}`;
    await handle(request(fundAccountNo, serialNo, 'FROZEN'));
    await handle(request(fundAccountNo, `B${uniqueDigits(12)}`, 'NORMAL'));
    const repeat = request(fundAccountNo, serialNo, 'FROZEN');
    await handle(repeat);
    expect(await outboxFor(repeat.inboundId)).toEqual([{ topic: 'custody.internal.relationship.status-changed.1', payload: expect.objectContaining({ accountStatus: 'NORMAL' }) }]);
    const reused = request(fundAccountNo, serialNo, 'LOST');
    await handle(reused);
    expect(await outboxFor(reused.inboundId)).toEqual([{ topic: REPLY_TOPIC, payload: expect.objectContaining({ returnCode: '2004' }) }]);
    expect(await accountStatusOf(relationshipId)).toBe('NORMAL');
    expect(await functionsOf(relationshipId)).toHaveLength(4);
  });

  it('profile §4.1: a fund account only pre-designated here is refused 2013; an unknown one 2011', async () => {
    const { fundAccountNo } = await preDesignated();
    const notLinked = request(fundAccountNo, `B${uniqueDigits(12)}`, 'FROZEN');
    await handle(notLinked);
    expect(await outboxFor(notLinked.inboundId)).toEqual([{ topic: REPLY_TOPIC, payload: expect.objectContaining({ returnCode: '2013' }) }]);
    const unknown = request(uniqueFundAccountNo(), `B${uniqueDigits(12)}`, 'FROZEN');
    await handle(unknown);
    expect(await outboxFor(unknown.inboundId)).toEqual([{ topic: REPLY_TOPIC, payload: expect.objectContaining({ returnCode: '2011' }) }]);
  });
});
