import { randomUUID } from 'node:crypto';
import { resolve } from 'node:path';
import { Money } from '@custody/money';
import { requireInfrastructure, uniqueFundAccountNo, type TestDatabase } from '@custody/testing';
import { loadCustodyConfig, validationPipe } from '@custody/service-kit';
import type { LedgerRepository } from '../ledger/ledger.repository';
import type { CustodyProjection } from '../projections/custody-projection';
import { startTransferTestbed } from '../testing/transfer-testbed';
import { RequestTransferBody } from '../transfers/transfer.dto';
import type { InternalTransferService } from './internal-transfer.service';

/** F-4.7 internal transfers (domain.md §13) against the real PostgreSQL with the service's own migrations. */
describe('internal transfers (real PostgreSQL)', () => {
  const config = loadCustodyConfig(resolve(__dirname, '../../../../config/custody.local.yaml'));
  const [BANK_A, BANK_B] = config.banks;
  let db: TestDatabase;
  let ledger: LedgerRepository;
  let projection: CustodyProjection;
  let internal: InternalTransferService;
  let businessDate: string;

  beforeAll(async () => {
    await requireInfrastructure({ postgres: true });
    ({ db, ledger, projection, internal, businessDate } = await startTransferTestbed('transfer_internal', config));
  });

  afterAll(() => db?.drop());

  /** A fund account with its ledger, designated at `bankCode` (null: not designated) and holding `balance` from a deposit. */
  async function fundAccount(customerNo: string, role: 'PRIMARY' | 'AUXILIARY', bankCode: string | null, balance = '0.00', currency: 'CNY' | 'USD' = 'CNY') {
    const fundAccountNo = uniqueFundAccountNo();
    await db.dataSource.transaction(async (m) => {
      await projection.fundAccountOpened(m, { fundAccountNo, customerNo, currency, role });
      if (!bankCode) return;
      await projection.designationResolved(m, { relationshipId: randomUUID(), fundAccountNo, currency, bankCode, bankAccountNo: `62${Date.now()}`, status: 'DESIGNATED', custodyAccountNo: 'K1' });
      const account = await ledger.lock(m, fundAccountNo, currency);
      if (Money.fromDb(balance).isPositive()) await ledger.moveWithBank(m, account!, bankCode, Money.fromDb(balance), { source: 'TRANSFER', sourceId: randomUUID(), businessDate: '2026-11-21' });
    });
    return fundAccountNo;
  }

  /** A customer with a primary at bank A and an auxiliary at bank B (§13: each fund account at its own bank). */
  async function multiBankCustomer(primaryBalance = '1000.00', auxiliaryBalance = '0.00') {
    const customerNo = `C${randomUUID().slice(0, 8)}`;
    const primary = await fundAccount(customerNo, 'PRIMARY', BANK_A.code, primaryBalance);
    const auxiliary = await fundAccount(customerNo, 'AUXILIARY', BANK_B.code, auxiliaryBalance);
    return { customerNo, primary, auxiliary };
  }

  const transfer = (fundAccountNo: string, counterpartFundAccountNo: string | undefined, amount: string, requestId = randomUUID(), currency: 'CNY' | 'USD' = 'CNY') =>
    internal.request({ requestId, type: 'INTERNAL', fundAccountNo, counterpartFundAccountNo, currency, amount: Money.parse(amount) } as RequestTransferBody);

  async function balance(fundAccountNo: string) {
    const [row] = await db.dataSource.query(`SELECT balance::text, held::text FROM transfer.ledger_accounts WHERE fund_account_no = $1`, [fundAccountNo]);
    const [journal] = await db.dataSource.query(`SELECT coalesce(sum(amount), 0)::text AS total FROM transfer.journal_lines WHERE account = $1`, [`CUSTOMER:${fundAccountNo}`]);
    return { balance: row.balance as string, held: row.held as string, journal: journal.total as string };
  }
  const countOf = async (sql: string, params: unknown[]) => Number((await db.dataSource.query(sql, params))[0].n);

  it('F-4.7: primary → auxiliary moves both ledgers at once, SUCCEEDED, with one balanced posting and the inter-bank instruction', async () => {
    const { primary, auxiliary } = await multiBankCustomer('1000.00');
    const transferId = await transfer(primary, auxiliary, '300.50');

    expect(await balance(primary)).toEqual({ balance: '699.50', held: '0.00', journal: '699.50' });
    expect(await balance(auxiliary)).toEqual({ balance: '300.50', held: '0.00', journal: '300.50' });
    const [row] = await db.dataSource.query(`SELECT type, status, initiator, fund_account_no, counterpart_fund_account_no, bank_code, amount::text FROM transfer.transfers WHERE transfer_id = $1`, [transferId]);
    expect(row).toEqual({ type: 'INTERNAL', status: 'SUCCEEDED', initiator: 'S', fund_account_no: primary, counterpart_fund_account_no: auxiliary, bank_code: BANK_A.code, amount: '300.50' });

    // I5: one posting, its lines sum to zero; the banks' pending settlement mirrors the customers' movement.
    const lines: Array<{ account: string; amount: string }> = await db.dataSource.query(`SELECT account, amount::text FROM transfer.journal_lines WHERE source_id = $1 ORDER BY line_id`, [transferId]);
    expect(lines).toEqual([
      { account: `CUSTOMER:${primary}`, amount: '-300.50' },
      { account: `CUSTOMER:${auxiliary}`, amount: '300.50' },
      { account: `INTERBANK:${BANK_A.code}`, amount: '300.50' },
      { account: `INTERBANK:${BANK_B.code}`, amount: '-300.50' },
    ]);
    expect(await countOf(`SELECT count(DISTINCT posting_id) AS n FROM transfer.journal_lines WHERE source_id = $1`, [transferId])).toBe(1);

    const [instruction] = await db.dataSource.query(
      `SELECT business_date::text, currency, amount::text, from_bank_code, from_summary_account, to_bank_code, to_summary_account, status FROM transfer.settlement_instructions WHERE transfer_id = $1`,
      [transferId],
    );
    expect(instruction).toEqual({
      business_date: businessDate,
      currency: 'CNY',
      amount: '300.50',
      from_bank_code: BANK_A.code,
      from_summary_account: BANK_A.summaryAccount,
      to_bank_code: BANK_B.code,
      to_summary_account: BANK_B.summaryAccount,
      status: 'PENDING',
    });
    const [announced] = await db.dataSource.query(`SELECT envelope FROM transfer.outbox WHERE topic = 'custody.internal.settlement.instruction-recorded.1' AND envelope->'payload'->>'transferId' = $1`, [transferId]);
    expect(announced.envelope.payload).toMatchObject({ amount: '300.50', fromBankCode: BANK_A.code, toBankCode: BANK_B.code, toSummaryAccount: BANK_B.summaryAccount });
  });

  it('F-4.7: auxiliary → primary works the other way, the instruction from the auxiliary\'s bank', async () => {
    const { primary, auxiliary } = await multiBankCustomer('0.00', '80.00');
    const transferId = await transfer(auxiliary, primary, '80.00');
    expect((await balance(auxiliary)).balance).toBe('0.00');
    expect((await balance(primary)).balance).toBe('80.00');
    const [instruction] = await db.dataSource.query(`SELECT from_bank_code, to_bank_code FROM transfer.settlement_instructions WHERE transfer_id = $1`, [transferId]);
    expect(instruction).toEqual({ from_bank_code: BANK_B.code, to_bank_code: BANK_A.code });
  });

  it('per bank and currency, customer ledgers + SUMMARY + INTERBANK sum to zero: what each bank holds stays explained until settlement', async () => {
    const { primary, auxiliary } = await multiBankCustomer('500.00');
    await transfer(primary, auxiliary, '200.00');
    // Every fund account's lines count at the bank it is designated to; SUMMARY/INTERBANK lines at their own bank.
    const perBank: Array<{ bank: string; total: string }> = await db.dataSource.query(
      `SELECT bank, sum(amount)::text AS total FROM (
         SELECT l.amount, a.bank_code AS bank, l.currency FROM transfer.journal_lines l
           JOIN transfer.ledger_accounts a ON a.fund_account_no = l.fund_account_no AND a.currency = l.currency WHERE l.account LIKE 'CUSTOMER:%'
         UNION ALL
         SELECT amount, split_part(account, ':', 2), currency FROM transfer.journal_lines WHERE account LIKE 'SUMMARY:%' OR account LIKE 'INTERBANK:%'
       ) lines GROUP BY bank, currency ORDER BY bank`,
    );
    expect(perBank).toEqual([
      { bank: BANK_A.code, total: '0.00' },
      { bank: BANK_B.code, total: '0.00' },
    ]);
    // What bank A holds for this customer (−SUMMARY) did not move: the 500.00 stays there until settlement.
    const [summaryA] = await db.dataSource.query(
      `SELECT sum(amount)::text AS total FROM transfer.journal_lines WHERE account = $1 AND posting_id IN (SELECT posting_id FROM transfer.journal_lines WHERE fund_account_no = $2)`,
      [`SUMMARY:${BANK_A.code}`, primary],
    );
    expect(summaryA.total).toBe('-500.00');
  });

  it('§13: never auxiliary → auxiliary (AUXILIARY_TO_AUXILIARY_FORBIDDEN), and nothing changes', async () => {
    const { customerNo, auxiliary } = await multiBankCustomer('0.00', '100.00');
    const second = await fundAccount(customerNo, 'AUXILIARY', BANK_A.code, '0.00');
    await expect(transfer(auxiliary, second, '10.00')).rejects.toMatchObject({ code: 'AUXILIARY_TO_AUXILIARY_FORBIDDEN' });
    expect((await balance(auxiliary)).balance).toBe('100.00');
    expect(await countOf(`SELECT count(*) AS n FROM transfer.transfers WHERE fund_account_no = $1`, [auxiliary])).toBe(0);
  });

  it('§13: only between fund accounts of the same customer (VALIDATION_FAILED)', async () => {
    const { primary } = await multiBankCustomer('100.00');
    const stranger = await multiBankCustomer('0.00');
    await expect(transfer(primary, stranger.auxiliary, '10.00')).rejects.toMatchObject({ code: 'VALIDATION_FAILED' });
    expect((await balance(primary)).balance).toBe('100.00');
  });

  it('both fund accounts must be designated (RELATIONSHIP_NOT_ACTIVE)', async () => {
    const customerNo = `C${randomUUID().slice(0, 8)}`;
    const primary = await fundAccount(customerNo, 'PRIMARY', BANK_A.code, '100.00');
    const undesignated = await fundAccount(customerNo, 'AUXILIARY', null);
    await expect(transfer(primary, undesignated, '10.00')).rejects.toMatchObject({ code: 'RELATIONSHIP_NOT_ACTIVE' });
    await expect(transfer(undesignated, primary, '10.00')).rejects.toMatchObject({ code: 'RELATIONSHIP_NOT_ACTIVE' });
  });

  it('I7: only the withdrawable part of the source moves (INSUFFICIENT_WITHDRAWABLE counts holds)', async () => {
    const { primary, auxiliary } = await multiBankCustomer('100.00');
    await db.dataSource.transaction(async (m) => ledger.placeHold(m, (await ledger.lock(m, primary, 'CNY'))!, Money.fromDb('60.00'), 'TRADING', 'order'));
    await expect(transfer(primary, auxiliary, '40.01')).rejects.toMatchObject({ code: 'INSUFFICIENT_WITHDRAWABLE' });
    await transfer(primary, auxiliary, '40.00');
    expect(await balance(primary)).toMatchObject({ balance: '60.00', held: '60.00' });
  });

  it('unknown fund accounts are NOT_FOUND, another currency CURRENCY_MISMATCH, a missing or identical counterpart VALIDATION_FAILED', async () => {
    const { customerNo, primary } = await multiBankCustomer('100.00');
    const dollars = await fundAccount(customerNo, 'AUXILIARY', BANK_B.code, '0.00', 'USD');
    await expect(transfer(primary, 'NOPE', '1.00')).rejects.toMatchObject({ code: 'NOT_FOUND' });
    await expect(transfer('NOPE', primary, '1.00')).rejects.toMatchObject({ code: 'NOT_FOUND' });
    await expect(transfer(primary, dollars, '1.00')).rejects.toMatchObject({ code: 'CURRENCY_MISMATCH' });
    await expect(transfer(primary, undefined, '1.00')).rejects.toMatchObject({ code: 'VALIDATION_FAILED' });
    await expect(transfer(primary, primary, '1.00')).rejects.toMatchObject({ code: 'VALIDATION_FAILED' });
    // An amount of three decimals never reaches the service: the request body refuses it.
    const body = { requestId: randomUUID(), type: 'INTERNAL', fundAccountNo: primary, counterpartFundAccountNo: dollars, currency: 'CNY', amount: '1.001' };
    await expect(validationPipe().transform(body, { type: 'body', metatype: RequestTransferBody })).rejects.toMatchObject({ code: 'VALIDATION_FAILED' });
    expect((await balance(primary)).balance).toBe('100.00');
  });

  it('api.md idempotency: the same requestId returns the first transfer and moves money once; another body is IDEMPOTENCY_KEY_REUSED', async () => {
    const { primary, auxiliary } = await multiBankCustomer('100.00');
    const requestId = randomUUID();
    const [a, b] = await Promise.all([transfer(primary, auxiliary, '30.00', requestId), transfer(primary, auxiliary, '30.00', requestId)]);
    expect(a).toBe(b);
    expect(await transfer(primary, auxiliary, '30.00', requestId)).toBe(a);
    await expect(transfer(primary, auxiliary, '31.00', requestId)).rejects.toMatchObject({ code: 'IDEMPOTENCY_KEY_REUSED' });
    expect((await balance(primary)).balance).toBe('70.00');
    expect(await countOf(`SELECT count(*) AS n FROM transfer.settlement_instructions WHERE transfer_id = $1`, [a])).toBe(1);
  });

  it('opposite transfers between one pair at the same moment neither deadlock nor lose a cent', async () => {
    const { primary, auxiliary } = await multiBankCustomer('500.00', '500.00');
    await Promise.all(Array.from({ length: 10 }, (_, i) => (i % 2 ? transfer(primary, auxiliary, '7.00') : transfer(auxiliary, primary, '3.00'))));
    expect(await balance(primary)).toEqual({ balance: '480.00', held: '0.00', journal: '480.00' });
    expect(await balance(auxiliary)).toEqual({ balance: '520.00', held: '0.00', journal: '520.00' });
  });
});
