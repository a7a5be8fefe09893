import { Money } from '@custody/money';
import { requireInfrastructure, uniqueDigits, type TestDatabase } from '@custody/testing';
import { AccountDayFileRepository } from '../day-files/account-day-file.repository';
import { type BankDesignationFields, createCustodyTestbed, CUSTODY_TEST_BANK_ACCOUNT, CUSTODY_TEST_ID_NUMBER, type CustodyTestbed } from '../testing/custody-testbed';
import type { BankDesignationService } from './bank-designation.service';

const BANK = '1021000';
const OTHER_BANK = '1051000';

/** F-3.3 B and 11010 B against the real PostgreSQL: what account records and answers for a bank's 11001 / 11010. */
describe('F-3.3 B: account on a bank designation (11001)', () => {
  let db: TestDatabase;
  let bankDesignations: BankDesignationService;
  let testbed: CustodyTestbed;
  let dayFileRows: AccountDayFileRepository;

  beforeAll(async () => {
    await requireInfrastructure({ postgres: true });
    testbed = await createCustodyTestbed('account-bank-designation');
    ({ db, bankDesignations } = testbed);
    dayFileRows = new AccountDayFileRepository(db.dataSource);
  });

  afterAll(() => db?.drop());

  const serial = () => `B${uniqueDigits(12)}`;
  const request = (fundAccountNo: string, serialNo: string, fields?: BankDesignationFields) => testbed.bankDesignation(BANK, fundAccountNo, serialNo, fields);
  const handle = (message: ReturnType<typeof request>) => db.dataSource.transaction((m) => bankDesignations.handle(m, message));
  const relationshipsOf = (fundAccountNo: string): Promise<Array<{ id: string; bank_code: string; currency: string; status: string; bank_account_no: string | null; serial_no: string }>> =>
    db.dataSource.query(`SELECT id, bank_code, currency::text, status, bank_account_no, serial_no FROM account.custody_relationships WHERE fund_account_no = $1 ORDER BY created_at`, [fundAccountNo]);
  const replyCode = async (inboundId: string) => {
    const rows = await testbed.outboxFor(inboundId);
    expect(rows).toHaveLength(1);
    expect(rows[0].topic).toBe('custody.internal.bank.reply-ready.1');
    return rows[0].payload.returnCode;
  };

  it("F-3.3 B: an accepted 11001 records the relationship DESIGNATED with the bank account and the day's 11001 (B, the bank's serial, ours), and hands the reply to the ledger; the opening balance it gives becomes the function's 金额", async () => {
    const { fundAccountNo } = await testbed.fundAccount();
    const message = request(fundAccountNo, serial());
    await handle(message);

    const [relationship] = await relationshipsOf(fundAccountNo);
    expect(relationship).toMatchObject({ bank_code: BANK, currency: 'CNY', status: 'DESIGNATED', bank_account_no: CUSTODY_TEST_BANK_ACCOUNT });
    expect(await testbed.functionsOf(relationship.id)).toEqual([
      {
        function_code: '11001', initiator: 'B', bank_serial_no: message.serialNo, broker_serial_no: relationship.serial_no, bank_account_no: CUSTODY_TEST_BANK_ACCOUNT,
        custody_account_no: null, business_date: '2026-11-24', status_after: 'DESIGNATED', amount: null,
      },
    ]);
    // No reply from here: the transfer service answers with the opening balance once the ledger is linked.
    const [handed] = await testbed.outboxFor(message.inboundId);
    expect(handed).toEqual({
      topic: 'custody.internal.designation.opened-at-bank.1',
      payload: {
        relationshipId: relationship.id, function: 'DESIGNATE', serialNo: relationship.serial_no, fundAccountNo, currency: 'CNY', bankCode: BANK,
        bankAccountNo: CUSTODY_TEST_BANK_ACCOUNT, reply: { inboundId: message.inboundId, route: message.route },
      },
    });
    expect(JSON.stringify(handed)).not.toContain(CUSTODY_TEST_ID_NUMBER);
    // Until the ledger has given the opening balance, the bank's day files wait for it.
    expect(await dayFileRows.unsettledDesignations(BANK)).toBeGreaterThanOrEqual(1);

    const given = { relationshipId: relationship.id, fundAccountNo, currency: 'CNY' as const, bankCode: BANK, openingBalance: Money.parse('1520.35') };
    await db.dataSource.transaction((m) => bankDesignations.recordOpeningBalance(m, given));
    await db.dataSource.transaction((m) => bankDesignations.recordOpeningBalance(m, given));
    expect(await testbed.functionsOf(relationship.id)).toEqual([expect.objectContaining({ function_code: '11001', amount: '1520.35' })]);
  });

  it('bank-protocol.md §4 idempotency: a repeat of an accepted 11001 goes through the ledger again with the same relationship and records nothing more; its serial with other content is refused 2004', async () => {
    const { fundAccountNo } = await testbed.fundAccount();
    const serialNo = serial();
    await handle(request(fundAccountNo, serialNo));
    const repeat = request(fundAccountNo, serialNo);
    await handle(repeat);
    const [relationship] = await relationshipsOf(fundAccountNo);
    expect(await testbed.outboxFor(repeat.inboundId)).toEqual([
      { topic: 'custody.internal.designation.opened-at-bank.1', payload: expect.objectContaining({ relationshipId: relationship.id, serialNo: relationship.serial_no }) },
    ]);
    const reused = request(fundAccountNo, serialNo, { bankAccountNo: '6222000055556666' });
    await handle(reused);
    expect(await replyCode(reused.inboundId)).toBe('2004');
    expect(await relationshipsOf(fundAccountNo)).toHaveLength(1);
    expect(await testbed.functionsOf(relationship.id)).toHaveLength(1);
  });

  const refusals: Array<[string, string, (fundAccountNo: string) => Promise<unknown>, BankDesignationFields]> = [
    ['a wrong fund password', '2001', async () => undefined, { fundPassword: 'MISMATCHED' }],
    ['a locked fund password', '2001', async () => undefined, { fundPassword: 'LOCKED' }],
    ["a name other than our customer's", '2047', async () => undefined, { name: '张三' }],
    ["an ID number other than our customer's", '2009', async () => undefined, { idNumber: '110101199003079999' }],
    ['a currency the fund account is not opened in', '3011', async () => undefined, { currency: 'USD' }],
    ['a fund account designated at another bank', '3013', (fundAccountNo) => testbed.designatedByBroker(fundAccountNo, OTHER_BANK), {}],
    ['a fund account already designated at this bank', '2014', (fundAccountNo) => testbed.designatedByBroker(fundAccountNo, BANK), {}],
  ];

  it.each(refusals)('profile §4.1: %s is refused %s, changes nothing, and its repeat gets the same answer', async (_case, code, before, fields) => {
    const { fundAccountNo } = await testbed.fundAccount();
    await before(fundAccountNo);
    const relationshipsBefore = await relationshipsOf(fundAccountNo);
    const serialNo = serial();
    for (const message of [request(fundAccountNo, serialNo, fields), request(fundAccountNo, serialNo, fields)]) {
      await handle(message);
      expect(await replyCode(message.inboundId)).toBe(code);
    }
    expect(await relationshipsOf(fundAccountNo)).toEqual(relationshipsBefore);
  });

  it('profile §4.1: an unknown fund account is refused 2011', async () => {
    const message = request(`9${uniqueDigits(11)}`, serial());
    await handle(message);
    expect(await replyCode(message.inboundId)).toBe('2011');
  });

  it('profile §4.1: a pre-designated fund account is refused 3003 (only the bank’s 11003 confirms it) and stays PRE_DESIGNATED', async () => {
    const { fundAccountNo, relationshipId } = await testbed.preDesignated(BANK);
    const message = request(fundAccountNo, serial());
    await handle(message);
    expect(await replyCode(message.inboundId)).toBe('3003');
    expect(await testbed.designations.find(relationshipId)).toMatchObject({ status: 'PRE_DESIGNATED', bankAccountNo: null });
    expect(await testbed.functionsOf(relationshipId)).toHaveLength(1);
  });

  it("domain.md §13: a second of the customer's fund accounts at this bank is refused 2034 and nothing is recorded", async () => {
    const { customerNo, fundAccountNo } = await testbed.fundAccount();
    await handle(request(fundAccountNo, serial()));
    const auxiliary = `${uniqueDigits(12)}`;
    await testbed.fundAccounts.open({ requestId: `aux-${auxiliary}`, fundAccountNo: auxiliary, customerNo, currency: 'CNY', role: 'AUXILIARY', branchId: '0001' });
    const message = request(auxiliary, serial(), { bankAccountNo: '6222000077778888' });
    await handle(message);
    expect(await replyCode(message.inboundId)).toBe('2034');
    expect(await relationshipsOf(auxiliary)).toEqual([]);
  });

  it('bank-protocol.md §7 step 3: an 11001 the bank starts after its 13011 is recorded on the next business date, as the bank lists it', async () => {
    const { fundAccountNo } = await testbed.fundAccount();
    await db.dataSource.transaction((m) => testbed.bankDays.apply(m, { bankCode: BANK, businessDate: '2026-11-24', phase: 'ENDED', changedAt: new Date().toISOString() }));
    await handle(request(fundAccountNo, serial()));
    const [relationship] = await relationshipsOf(fundAccountNo);
    expect(await testbed.functionsOf(relationship.id)).toEqual([expect.objectContaining({ function_code: '11001', business_date: '2026-11-25' })]);
    await db.dataSource.transaction((m) => testbed.bankDays.apply(m, { bankCode: BANK, businessDate: '2026-11-25', phase: 'OPEN', changedAt: new Date().toISOString() }));
  });
});
