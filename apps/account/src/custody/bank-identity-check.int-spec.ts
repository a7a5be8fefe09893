import { randomUUID } from 'node:crypto';
import { bankReplyReadyFor } from '@custody/contracts';
import { requireInfrastructure, uniqueDigits, uniqueFundAccountNo, type TestDatabase } from '@custody/testing';
import { createCustodyTestbed, CUSTODY_TEST_ID_NUMBER, type CustodyTestbed } from '../testing/custody-testbed';

const BANK = '1021000';
/** Another bank than the one the testbed's fund accounts are pre-designated at. */
const OTHER_BANK = '1051000';

/** F-3.11 B against the real PostgreSQL: what account answers a bank's 11007, and that it changes nothing. */
describe('F-3.11 B: account on a bank identity check (11007)', () => {
  let db: TestDatabase;
  let testbed: CustodyTestbed;

  beforeAll(async () => {
    await requireInfrastructure({ postgres: true });
    testbed = await createCustodyTestbed('account-identity-check');
    db = testbed.db;
  });

  afterAll(() => db?.drop());

  /** The bank's 11007 as the adapter forwards it: the identity read at the counter, the ID number freshly sealed. */
  function request(fundAccountNo: string, fields: { name?: string; idType?: string; idNumber?: string; fundPassword?: 'MATCHED' | 'MISMATCHED' | 'LOCKED'; serialNo?: string; bankCode?: string } = {}) {
    const serialNo = fields.serialNo ?? `B${uniqueDigits(12)}`;
    const bankCode = fields.bankCode ?? BANK;
    return {
      inboundId: randomUUID(),
      bankCode,
      route: { adapterInstanceId: 'inst-1', sessionId: 's0', requestRef: { serialNo, issuerType: 'B' as const, issuerId: bankCode } },
      function: 'CHECK_IDENTITY' as const,
      serialNo,
      businessDate: '2026-11-24',
      receivedAt: new Date().toISOString(),
      fundAccountNo,
      currency: 'CNY',
      bankAccountNo: '6222000033334444',
      customer: { name: fields.name ?? '李四', idType: fields.idType ?? '10', idNumber: testbed.sealer.seal(fields.idNumber ?? CUSTODY_TEST_ID_NUMBER) },
      ...(fields.fundPassword ? { fundPassword: fields.fundPassword } : {}),
    };
  }

  /** Handles the request; the code of its answer, the only outbox row it may lead to. */
  const answerTo = async (message: ReturnType<typeof request>) => {
    await db.dataSource.transaction((m) => testbed.bankIdentityChecks.handle(m, message));
    const rows = await testbed.outboxFor(message.inboundId);
    expect(rows).toEqual([{ topic: bankReplyReadyFor(message.bankCode).name, payload: expect.objectContaining({ function: 'CHECK_IDENTITY', route: message.route }) }]);
    return rows[0].payload.returnCode;
  };
  const books = async (fundAccountNo: string, relationshipId: string) => ({ account: await testbed.fundAccounts.get(fundAccountNo), functions: await testbed.functionsOf(relationshipId) });

  it('F-3.11 B: our customer as the bank presents them is answered 0000 — also by a bank the fund account is not at — and nothing changes', async () => {
    const { fundAccountNo, relationshipId } = await testbed.preDesignated(BANK);
    const before = await books(fundAccountNo, relationshipId);
    expect(await answerTo(request(fundAccountNo))).toBe('0000');
    expect(await answerTo(request(fundAccountNo, { bankCode: OTHER_BANK, fundPassword: 'MATCHED' }))).toBe('0000');
    expect(await books(fundAccountNo, relationshipId)).toEqual(before);
  });

  it.each([
    ['a name other than ours', '2047', { name: '李五' }],
    ['an ID number other than ours', '2009', { idNumber: '110101199003079999' }],
    ['an ID type other than ours', '2009', { idType: '11' }],
    ['a fund password that did not match', '2001', { fundPassword: 'MISMATCHED' as const }],
    ['a fund password locked after too many wrong ones', '2001', { fundPassword: 'LOCKED' as const }],
  ])('profile §4.1: %s is answered %s and nothing changes', async (_case, code, fields) => {
    const { fundAccountNo, relationshipId } = await testbed.preDesignated(BANK);
    const before = await books(fundAccountNo, relationshipId);
    expect(await answerTo(request(fundAccountNo, fields))).toBe(code);
    expect(await books(fundAccountNo, relationshipId)).toEqual(before);
  });

  it('profile §4.1: an unknown fund account is 2011; none named is 2044', async () => {
    expect(await answerTo(request(uniqueFundAccountNo()))).toBe('2011');
    expect(await answerTo(request(''))).toBe('2044');
  });

  it('bank-protocol.md §4 idempotency: a repeat gets the first answer (even once the books would answer otherwise); the serial with other content is 2004', async () => {
    const { fundAccountNo } = await testbed.preDesignated(BANK);
    const first = request(fundAccountNo, { name: '李五' });
    expect(await answerTo(first)).toBe('2047');
    // The customer is renamed to what the bank read: a new check would match, the repeat keeps its answer.
    const [{ customer_no: customerNo }] = await db.dataSource.query(`SELECT customer_no FROM account.fund_accounts WHERE fund_account_no = $1`, [fundAccountNo]);
    await testbed.customers.put(customerNo, { name: '李五', type: 'INDIVIDUAL', idType: '10', idNumber: CUSTODY_TEST_ID_NUMBER }, 'u-trading@test-users');
    expect(await answerTo(request(fundAccountNo, { name: '李五', serialNo: first.serialNo }))).toBe('2047');
    expect(await answerTo(request(fundAccountNo, { name: '李五' }))).toBe('0000');
    expect(await answerTo(request(fundAccountNo, { name: '王五', serialNo: first.serialNo }))).toBe('2004');
  });
});
