import { randomUUID } from 'node:crypto';
import { requireInfrastructure, uniqueCitizenNumber, uniqueDigits, uniqueFundAccountNo } from '@custody/testing';
import { createCustodyTestbed, CUSTODY_TEST_ID_NUMBER, type CustodyTestbed } from '../testing/custody-testbed';
import type { CleanupItem } from './account-cleanup.service';

/**
 * F-12.1 account clean-up against the real PostgreSQL: the fund accounts whose customer's identity is incomplete
 * or ill-formed, and those whose relationship is DORMANT, paged in fund account order.
 */
describe('F-12.1 account clean-up report (real PostgreSQL)', () => {
  let bed: CustodyTestbed;

  beforeAll(async () => {
    await requireInfrastructure({ postgres: true });
    bed = await createCustodyTestbed('account_cleanup');
  });
  afterAll(() => bed?.db.drop());

  async function account(customer: { name?: string; type?: 'INDIVIDUAL' | 'INSTITUTION'; idType?: string; idNumber?: string } = {}): Promise<string> {
    const customerNo = `C${uniqueDigits(9)}`;
    await bed.customers.put(customerNo, { name: customer.name ?? '王五', type: customer.type ?? 'INDIVIDUAL', idType: customer.idType ?? '10', idNumber: customer.idNumber ?? uniqueCitizenNumber() });
    const fundAccountNo = uniqueFundAccountNo();
    await bed.fundAccounts.open({ requestId: randomUUID(), fundAccountNo, customerNo, currency: 'CNY', role: 'PRIMARY', branchId: '0001' });
    return fundAccountNo;
  }

  /** Every item of the report, page by page. */
  async function wholeReport(query: { category?: 'INVALID' | 'DORMANT'; limit: number }): Promise<{ items: CleanupItem[]; pages: number }> {
    const items: CleanupItem[] = [];
    let cursor: string | undefined;
    let pages = 0;
    do {
      const page = await bed.conversion.cleanup.report({ ...query, cursor });
      items.push(...page.items);
      cursor = page.nextCursor;
      pages += 1;
    } while (cursor);
    return { items, pages };
  }

  let complete: string;
  let wrongCheckDigit: string;
  let institutionWithPassport: string;
  let blankishName: string;
  let dormant: { fundAccountNo: string; relationshipId: string };

  beforeAll(async () => {
    complete = await account();
    wrongCheckDigit = await account({ idNumber: '110101199003071234' });
    institutionWithPassport = await account({ name: '某某投资有限公司', type: 'INSTITUTION', idType: '11', idNumber: 'E12345678' });
    blankishName = await account({ name: '  ' });
    dormant = await bed.preDesignated('1021000');
    await bed.db.dataSource.query(`UPDATE account.custody_relationships SET dormant_since = '2026-12-01' WHERE id = $1`, [dormant.relationshipId]);
  });

  const find = (items: CleanupItem[], fundAccountNo: string) => items.find((i) => i.fundAccountNo === fundAccountNo);

  it('F-12.1: every fund account whose customer’s identity is incomplete or ill-formed, with why; a complete one is not listed', async () => {
    const { items } = await wholeReport({ limit: 100 });
    expect(find(items, complete)).toBeUndefined();
    expect(find(items, wrongCheckDigit)).toMatchObject({ customerName: '王五', idType: '10', idNumberMasked: '************1234', reasons: [{ code: 'ID_NUMBER_ILL_FORMED', detail: expect.stringContaining('check digit') }] });
    expect(find(items, institutionWithPassport)?.reasons).toEqual([{ code: 'ID_TYPE_NOT_FOR_CUSTOMER_TYPE', detail: "ID type 11 is a person's document, the customer an institution" }]);
    expect(find(items, blankishName)?.reasons).toEqual([{ code: 'NAME_MISSING', detail: 'the name is blank' }]);
  });

  it('F-12.1: a dormant relationship (F-12.3) is listed with its relationship, and the ID number never appears but masked', async () => {
    const { items } = await wholeReport({ limit: 100 });
    expect(find(items, dormant.fundAccountNo)).toMatchObject({
      relationship: { bankCode: '1021000', status: 'PRE_DESIGNATED', custodyAccountNo: 'K11003', dormant: true, dormantSince: '2026-12-01' },
      reasons: expect.arrayContaining([{ code: 'DORMANT', detail: expect.stringContaining('dormant since 2026-12-01') }]),
    });
    expect(JSON.stringify(items)).not.toContain(CUSTODY_TEST_ID_NUMBER);
  });

  it('F-12.1: the category keeps one kind: INVALID the identities, DORMANT the dormant relationships', async () => {
    const invalid = (await wholeReport({ category: 'INVALID', limit: 100 })).items;
    expect(invalid.flatMap((i) => i.reasons.map((r) => r.code))).not.toContain('DORMANT');
    expect(find(invalid, wrongCheckDigit)).toBeDefined();
    const dormantOnly = (await wholeReport({ category: 'DORMANT', limit: 100 })).items;
    expect(dormantOnly.map((i) => i.fundAccountNo)).toEqual([dormant.fundAccountNo]);
    expect(dormantOnly[0].reasons).toEqual([expect.objectContaining({ code: 'DORMANT' })]);
  });

  it('F-12.1: pages of one item follow the cursor in fund account order and list the same accounts as one page', async () => {
    const whole = await wholeReport({ limit: 100 });
    const paged = await wholeReport({ limit: 1 });
    expect(paged.items).toEqual(whole.items);
    expect(paged.pages).toBeGreaterThanOrEqual(whole.items.length);
    const numbers = whole.items.map((i) => i.fundAccountNo);
    expect(numbers).toEqual([...numbers].sort());
    await expect(bed.conversion.cleanup.report({ cursor: 'bm90IG91cnM', limit: 1 })).rejects.toMatchObject({ code: 'VALIDATION_FAILED' });
  });
});
