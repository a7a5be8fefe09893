import { Money } from '@custody/money';
import { bankReplyReadyFor } from '@custody/contracts';
import { requireInfrastructure, uniqueDigits, type TestDatabase } from '@custody/testing';
import { AccountDayFileRepository } from '../day-files/account-day-file.repository';
import { type BankDesignationFields, createCustodyTestbed, CUSTODY_TEST_BANK_ACCOUNT, CUSTODY_TEST_ID_NUMBER, CUSTODY_TEST_PRINCIPAL, type CustodyTestbed } from '../testing/custody-testbed';
import type { BankDesignationService } from './bank-designation.service';

const BANK = '1021000';
const REPLY_TOPIC = bankReplyReadyFor(BANK).name;
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
    expect(rows[0].topic).toBe(REPLY_TOPIC);
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

describe('11010 B: account on another currency the bank registers; a fund account in several currencies', () => {
  let db: TestDatabase;
  let testbed: CustodyTestbed;

  beforeAll(async () => {
    await requireInfrastructure({ postgres: true });
    testbed = await createCustodyTestbed('account-currency-registration');
    ({ db } = testbed);
  });

  afterAll(() => db?.drop());

  const serial = () => `B${uniqueDigits(12)}`;
  const handle = (message: ReturnType<CustodyTestbed['bankDesignation']>) => db.dataSource.transaction((m) => testbed.bankDesignations.handle(m, message));
  const register = (fundAccountNo: string, fields: BankDesignationFields = {}) => testbed.bankDesignation(BANK, fundAccountNo, serial(), { function: 'REGISTER_CURRENCY', currency: 'USD', ...fields });
  const replyCode = async (inboundId: string) => (await testbed.outboxFor(inboundId))[0]?.payload.returnCode;
  const relationshipsOf = (fundAccountNo: string): Promise<Array<{ id: string; currency: string; status: string; bank_account_no: string | null; account_status: string }>> =>
    db.dataSource.query(
      `SELECT id, currency::text, status, bank_account_no, account_status FROM account.custody_relationships WHERE fund_account_no = $1 AND status = 'DESIGNATED' ORDER BY currency`,
      [fundAccountNo],
    );

  /** A fund account designated by the bank in CNY (11001 B) and opened in USD too. */
  async function designatedInCnyOpenedInUsd() {
    const { customerNo, fundAccountNo } = await testbed.fundAccount();
    await handle(testbed.bankDesignation(BANK, fundAccountNo, serial()));
    await testbed.fundAccounts.open({ requestId: `usd-${fundAccountNo}`, fundAccountNo, customerNo, currency: 'USD', role: 'PRIMARY', branchId: '0001' });
    return { customerNo, fundAccountNo };
  }

  it("profile §4.1: an accepted 11010 records the USD relationship DESIGNATED with the CNY one's bank account and the day's 11010 (B), and hands the reply to the ledger", async () => {
    const { fundAccountNo } = await designatedInCnyOpenedInUsd();
    const message = register(fundAccountNo);
    await handle(message);
    const [, usd] = await relationshipsOf(fundAccountNo);
    expect(usd).toMatchObject({ currency: 'USD', status: 'DESIGNATED', bank_account_no: CUSTODY_TEST_BANK_ACCOUNT, account_status: 'NORMAL' });
    expect(await testbed.functionsOf(usd.id)).toEqual([expect.objectContaining({ function_code: '11010', initiator: 'B', bank_serial_no: message.serialNo, amount: null })]);
    expect(await testbed.outboxFor(message.inboundId)).toEqual([
      { topic: 'custody.internal.designation.opened-at-bank.1', payload: expect.objectContaining({ relationshipId: usd.id, function: 'REGISTER_CURRENCY', currency: 'USD' }) },
    ]);
    expect(await testbed.fundAccounts.get(fundAccountNo)).toMatchObject({ currencies: ['CNY', 'USD'], relationships: [expect.objectContaining({ currency: 'CNY' }), expect.objectContaining({ currency: 'USD' })] });
  });

  it('§7.23: an 11010 in a currency the fund account is not opened in is refused 3011', async () => {
    const { fundAccountNo } = await testbed.fundAccount();
    await handle(testbed.bankDesignation(BANK, fundAccountNo, serial()));
    const message = register(fundAccountNo);
    await handle(message);
    expect(await replyCode(message.inboundId)).toBe('3011');
  });

  it('profile §4.1: an 11010 naming another bank account than the relationship has is refused 2013; with the currency there already, 2014', async () => {
    const { fundAccountNo } = await designatedInCnyOpenedInUsd();
    const other = register(fundAccountNo, { bankAccountNo: '6222000055556666' });
    await handle(other);
    expect(await replyCode(other.inboundId)).toBe('2013');
    await handle(register(fundAccountNo));
    const again = register(fundAccountNo);
    await handle(again);
    expect(await replyCode(again.inboundId)).toBe('2014');
    expect(await relationshipsOf(fundAccountNo)).toHaveLength(2);
  });

  it('profile §4.1 "11011": a frozen relationship takes no new currency (2010); a freeze of both currencies records an 11011 on each, under the one bank serial', async () => {
    const { fundAccountNo } = await designatedInCnyOpenedInUsd();
    const statusChange = (accountStatus: 'FROZEN' | 'NORMAL', serialNo = serial()) => ({
      ...testbed.bankDesignation(BANK, fundAccountNo, serialNo),
      function: 'CHANGE_ACCOUNT_STATUS' as const,
      accountStatus,
    });
    await db.dataSource.transaction((m) => testbed.statusChanges.handle(m, statusChange('FROZEN')));
    const refused = register(fundAccountNo);
    await handle(refused);
    expect(await replyCode(refused.inboundId)).toBe('2010');

    await db.dataSource.transaction((m) => testbed.statusChanges.handle(m, statusChange('NORMAL')));
    await handle(register(fundAccountNo));
    const both = statusChange('FROZEN');
    await db.dataSource.transaction((m) => testbed.statusChanges.handle(m, both));
    const relationships = await relationshipsOf(fundAccountNo);
    expect(relationships.map((r) => r.account_status)).toEqual(['FROZEN', 'FROZEN']);
    for (const relationship of relationships) {
      expect(await testbed.functionsOf(relationship.id)).toContainEqual(expect.objectContaining({ function_code: '11011', bank_serial_no: both.serialNo }));
    }
  });

  it('F-3.3 S per currency: the broker designates the USD of a fund account only once it is opened in USD (CURRENCY_MISMATCH before, naming what it holds)', async () => {
    const { customerNo, fundAccountNo } = await testbed.fundAccount();
    const designate = () => testbed.designations.designate({ requestId: uniqueDigits(12), fundAccountNo, currency: 'USD', bankCode: BANK, bankAccountNo: '6222000099990000', bankPassword: '135790' }, CUSTODY_TEST_PRINCIPAL);
    await expect(designate()).rejects.toMatchObject({ code: 'CURRENCY_MISMATCH', detail: expect.stringContaining('holds CNY') });
    await testbed.fundAccounts.open({ requestId: `usd-${fundAccountNo}`, fundAccountNo, customerNo, currency: 'USD', role: 'PRIMARY', branchId: '0001' });
    expect(await testbed.designations.find(await designate())).toMatchObject({ currency: 'USD', status: 'PENDING' });
  });
});
