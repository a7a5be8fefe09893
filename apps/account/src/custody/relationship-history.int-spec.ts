import { randomUUID } from 'node:crypto';
import type { EntityManager } from 'typeorm';
import { Money } from '@custody/money';
import { requireInfrastructure, uniqueDigits, uniqueFundAccountNo, type TestDatabase } from '@custody/testing';
import { AccountFunctionJournal1732200000117 } from '../migrations/1732200000117-account-function-journal';
import { createCustodyTestbed, CUSTODY_TEST_PRINCIPAL, type CustodyTestbed } from '../testing/custody-testbed';

const BANK = '1021000';

/** Issue 10 against the real PostgreSQL: the journal of account functions and the history GET /v1/fund-accounts/{no} builds from it. */
describe('issue 10: every relationship change journaled (who, when, which serial, from which side)', () => {
  let db: TestDatabase;
  let testbed: CustodyTestbed;

  beforeAll(async () => {
    await requireInfrastructure({ postgres: true });
    testbed = await createCustodyTestbed('account-relationship-history');
    db = testbed.db;
  });

  afterAll(() => db?.drop());

  const inTransaction = <T>(work: (manager: EntityManager) => Promise<T>) => db.dataSource.transaction(work);

  async function openFundAccount(): Promise<string> {
    const customerNo = `C${randomUUID().slice(0, 8)}`;
    await testbed.customers.put(customerNo, { name: '王五', type: 'INDIVIDUAL', idType: '10', idNumber: '110101199003075678' });
    const fundAccountNo = uniqueFundAccountNo();
    await testbed.fundAccounts.open({ requestId: randomUUID(), fundAccountNo, customerNo, currency: 'CNY', role: 'PRIMARY', branchId: '0001' });
    return fundAccountNo;
  }

  it('11002 S, 11003 B, 11011 B: the history lists each in order with its states, serial, side and who asked, and the relationship shows FROZEN', async () => {
    const { fundAccountNo, relationshipId } = await testbed.preDesignated(BANK);
    const confirmation = testbed.confirmation(BANK, fundAccountNo, `B${uniqueDigits(12)}`);
    await inTransaction((m) => testbed.confirmations.handle(m, confirmation));
    const freeze = testbed.statusChange(BANK, fundAccountNo, `B${uniqueDigits(12)}`, 'FROZEN');
    await inTransaction((m) => testbed.statusChanges.handle(m, freeze));

    const { serialNo } = await testbed.designations.find(relationshipId);
    const account = await testbed.fundAccounts.get(fundAccountNo);
    expect(account.failedRequests).toEqual([]);
    expect(account.relationships).toEqual([
      expect.objectContaining({ status: 'DESIGNATED', accountStatus: 'FROZEN', bankAccountNo: '6222000033334444', custodyAccountNo: 'K11003' }),
    ]);
    const at = expect.stringMatching(/^\d{4}-\d{2}-\d{2}T/);
    expect(account.relationships[0].history).toEqual([
      { at, status: 'PRE_DESIGNATED', accountStatus: 'NORMAL', function: '11002', initiator: 'S', serialNo, by: CUSTODY_TEST_PRINCIPAL, businessDate: '2026-11-23' },
      { at, status: 'DESIGNATED', accountStatus: 'NORMAL', function: '11003', initiator: 'B', serialNo: confirmation.serialNo, by: `bank:${BANK}`, businessDate: '2026-11-24' },
      { at, status: 'DESIGNATED', accountStatus: 'FROZEN', function: '11011', initiator: 'B', serialNo: freeze.serialNo, by: `bank:${BANK}`, businessDate: '2026-11-24' },
    ]);
  });

  it("a designation the bank refused is listed among the fund account's failed requests with who asked and the bank's code; it is no relationship and the next designation's history is its own", async () => {
    const fundAccountNo = await openFundAccount();
    const body = { fundAccountNo, currency: 'CNY' as const, bankCode: BANK, bankAccountNo: '6222000011112222', bankPassword: '123456' };
    const refused = await testbed.designations.designate({ requestId: randomUUID(), ...body }, 'u-first@idp');
    await inTransaction((m) =>
      testbed.designations.resolve(m, {
        relationshipId: refused, fundAccountNo, currency: 'CNY', bankCode: BANK, bankAccountNo: body.bankAccountNo, status: 'FAILED', businessDate: '2026-11-24', bankSerialNo: 'B0001',
        failure: { code: 'BANK_REJECTED', bankReturnCode: '1001', message: '银行密码错' },
      }),
    );
    const designated = await testbed.designations.designate({ requestId: randomUUID(), ...body }, 'u-second@idp');
    await inTransaction((m) =>
      testbed.designations.resolve(m, {
        relationshipId: designated, fundAccountNo, currency: 'CNY', bankCode: BANK, bankAccountNo: body.bankAccountNo, status: 'DESIGNATED', custodyAccountNo: 'K2',
        businessDate: '2026-11-24', bankSerialNo: 'B0002', openingBalance: Money.parse('12.30'),
      }),
    );

    const account = await testbed.fundAccounts.get(fundAccountNo);
    expect(account.failedRequests).toEqual([
      {
        at: expect.any(String), function: '11001', initiator: 'S', serialNo: (await testbed.designations.find(refused)).serialNo, counterpartSerialNo: 'B0001', by: 'u-first@idp',
        businessDate: '2026-11-24', bankCode: BANK, currency: 'CNY', failure: { code: 'BANK_REJECTED', bankReturnCode: '1001', message: '银行密码错' },
      },
    ]);
    expect(account.relationships).toHaveLength(1);
    expect(account.relationships[0].history).toEqual([
      expect.objectContaining({ function: '11001', status: 'DESIGNATED', serialNo: (await testbed.designations.find(designated)).serialNo, counterpartSerialNo: 'B0002', by: 'u-second@idp' }),
    ]);
  });

  it('the migration backfills only what the books prove: NORMAL before any 11011, the status of the last 11011, nothing for an earlier 11011 or a principal never kept', async () => {
    const { fundAccountNo } = await testbed.preDesignated(BANK);
    await inTransaction((m) => testbed.confirmations.handle(m, testbed.confirmation(BANK, fundAccountNo, `B${uniqueDigits(12)}`)));
    await inTransaction((m) => testbed.statusChanges.handle(m, testbed.statusChange(BANK, fundAccountNo, `B${uniqueDigits(12)}`, 'FROZEN')));
    await inTransaction((m) => testbed.statusChanges.handle(m, testbed.statusChange(BANK, fundAccountNo, `B${uniqueDigits(12)}`, 'LOST')));
    // A failed request has no place in the journal before the migration: `down` drops it, the relationship keeps its failure.
    const other = await openFundAccount();
    const refused = await testbed.designations.designate({ requestId: randomUUID(), fundAccountNo: other, currency: 'CNY', bankCode: BANK, bankAccountNo: '6222000011119999', bankPassword: '123456' }, 'u-first@idp');
    await inTransaction((m) =>
      testbed.designations.resolve(m, { relationshipId: refused, fundAccountNo: other, currency: 'CNY', bankCode: BANK, bankAccountNo: '6222000011119999', status: 'FAILED', failure: { code: 'BANK_REJECTED', bankReturnCode: '1001', message: '银行密码错' } }),
    );

    const migration = new AccountFunctionJournal1732200000117();
    const runner = db.dataSource.createQueryRunner();
    try {
      await migration.down(runner);
      await migration.up(runner);
    } finally {
      await runner.release();
    }

    const journal = await testbed.fundAccounts.get(fundAccountNo);
    expect(journal.relationships[0].history.map((entry) => [entry.function, entry.accountStatus ?? null, entry.by ?? null])).toEqual([
      ['11002', 'NORMAL', null],
      ['11003', 'NORMAL', `bank:${BANK}`],
      ['11011', null, `bank:${BANK}`],
      ['11011', 'LOST', `bank:${BANK}`],
    ]);
    expect((await testbed.fundAccounts.get(other)).failedRequests).toEqual([]);
    expect(await testbed.designations.find(refused)).toMatchObject({ status: 'FAILED', bankReturnCode: '1001', requestedBy: null });
    // New rows are held to the account status from now on; the journal goes on.
    await inTransaction((m) => testbed.statusChanges.handle(m, testbed.statusChange(BANK, fundAccountNo, `B${uniqueDigits(12)}`, 'NORMAL')));
    expect((await testbed.fundAccounts.get(fundAccountNo)).relationships[0].history.at(-1)).toMatchObject({ function: '11011', accountStatus: 'NORMAL' });
  });
});
