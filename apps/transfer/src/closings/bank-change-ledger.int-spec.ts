import { randomUUID } from 'node:crypto';
import { resolve } from 'node:path';
import type { CustodyFunctionResolution, LedgerClosingRequest } from '@custody/contracts';
import { Money } from '@custody/money';
import { findBank, loadCustodyConfig } from '@custody/service-kit';
import { requireInfrastructure, type TestDatabase } from '@custody/testing';
import { bankRequestFor, startTransferTestbed, type TestAccount, type TransferTestbed } from '../testing/transfer-testbed';

const OLD = '1021000';
const NEW = '1051000';

/**
 * F-3.6 at the transfer service against the real PostgreSQL: the ledger closes for the change with its balance (never
 * with a hold or a transfer in flight), and the verdict moves it to the relationship the change opened — at the new
 * bank, the balance then owed by the old bank's summary account to the new one's (journal and settlement instruction),
 * or restored at the old bank. Every message is idempotent by the function's id.
 */
describe('F-3.6: the ledger moved with its relationship (real PostgreSQL)', () => {
  const config = loadCustodyConfig(resolve(__dirname, '../../../../config/custody.local.yaml'));
  let testbed: TransferTestbed;
  let db: TestDatabase;

  beforeAll(async () => {
    await requireInfrastructure({ postgres: true });
    testbed = await startTransferTestbed('transfer_bank_changes', config);
    db = testbed.db;
  });

  afterAll(() => testbed?.db.drop());

  const closing = (account: TestAccount): LedgerClosingRequest => ({ functionId: randomUUID(), fundAccountNo: account.fundAccountNo, currency: 'CNY', bankCode: OLD, purpose: 'BANK_CHANGE' });
  const close = (request: LedgerClosingRequest) => db.dataSource.transaction((m) => testbed.closings.close(m, request));
  const resolved = (verdict: CustodyFunctionResolution) => db.dataSource.transaction((m) => testbed.projection.custodyFunctionResolved(m, verdict));

  async function outbox(topic: string, key: 'functionId' | 'fundAccountNo', value: string): Promise<Array<Record<string, unknown>>> {
    const rows: Array<{ envelope: { payload: Record<string, unknown> } }> = await db.dataSource.query(
      `SELECT envelope FROM transfer.outbox WHERE topic = $1 AND envelope->'payload'->>'${key}' = $2 ORDER BY id`,
      [`custody.internal.${topic}.1`, value],
    );
    return rows.map((r) => r.envelope.payload);
  }

  async function ledger(fundAccountNo: string) {
    const [row] = await db.dataSource.query(
      `SELECT balance::text, held::text, bank_code, bank_account_no, custody_status, account_status, closed_for FROM transfer.ledger_accounts WHERE fund_account_no = $1`,
      [fundAccountNo],
    );
    return row as Record<string, string | null>;
  }

  async function funded(amount = '300.00'): Promise<TestAccount> {
    const account = await testbed.designatedAccount(OLD);
    const request = bankRequestFor(OLD, account, { amount });
    await db.dataSource.transaction((m) => testbed.inbound.handle(m, request));
    return account;
  }

  function verdict(request: LedgerClosingRequest, fields: Partial<CustodyFunctionResolution>): CustodyFunctionResolution {
    return {
      functionId: request.functionId,
      function: 'CHANGE_CUSTODIAN_BANK',
      serialNo: '20261207100000000011',
      bankCode: OLD,
      fundAccountNo: request.fundAccountNo,
      currency: 'CNY',
      businessDate: testbed.businessDate,
      status: 'SUCCEEDED',
      ...fields,
    };
  }

  const openedAt = (bankCode: string, mode: 'DESIGNATE' | 'PRE_DESIGNATE', balance: string) => ({
    balanceLeaving: Money.parse(balance),
    cancelledBankSerialNo: 'OLD-1',
    opened: {
      bankCode,
      mode,
      ...(mode === 'DESIGNATE' ? { bankAccountNo: '6217000055556666' } : {}),
      serialNo: '20261207100000000012',
      bankSerialNo: 'B-2',
      openingBalance: Money.parse(balance),
      businessDate: testbed.businessDate,
    },
  });

  it('F-3.6: the ledger closes with its whole balance and takes no transfer while the change runs', async () => {
    const account = await funded();
    const request = closing(account);
    await close(request);
    expect(await outbox('ledger.closing-decided', 'functionId', request.functionId)).toEqual([expect.objectContaining({ decision: 'CLOSED', balance: '300.00' })]);
    expect(await ledger(account.fundAccountNo)).toMatchObject({ closed_for: request.functionId, balance: '300.00' });
    await expect(
      testbed.transfers.request({ requestId: randomUUID(), type: 'SECURITIES_TO_BANK', fundAccountNo: account.fundAccountNo, currency: 'CNY', amount: Money.parse('1.00') }),
    ).rejects.toMatchObject({ code: 'RELATIONSHIP_CHANGING' });
  });

  it('F-3.6: a hold (an order not settled) or a transfer in flight is BANK_CHANGE_REFUSED, naming it; a frozen relationship RELATIONSHIP_FROZEN; nothing changes', async () => {
    const held = await funded();
    await testbed.holds.place({ requestId: randomUUID(), fundAccountNo: held.fundAccountNo, currency: 'CNY', amount: Money.parse('20.00'), reason: 'order' });
    const inFlight = await funded();
    await testbed.transfers.request({ requestId: randomUUID(), type: 'SECURITIES_TO_BANK', fundAccountNo: inFlight.fundAccountNo, currency: 'CNY', amount: Money.parse('5.00') });
    const frozen = await funded();
    await db.dataSource.query(`UPDATE transfer.ledger_accounts SET account_status = 'FROZEN' WHERE fund_account_no = $1`, [frozen.fundAccountNo]);

    for (const [account, code, detail] of [
      [held, 'BANK_CHANGE_REFUSED', 'a hold of 20.00'],
      [inFlight, 'BANK_CHANGE_REFUSED', '1 transfer(s) in flight'],
      [frozen, 'RELATIONSHIP_FROZEN', 'FROZEN'],
    ] as const) {
      const request = closing(account);
      await close(request);
      const [refused] = await outbox('ledger.closing-decided', 'functionId', request.functionId);
      expect(refused).toMatchObject({ decision: 'REFUSED', refusal: { code, message: expect.stringContaining(detail) } });
      expect(await ledger(account.fundAccountNo)).toMatchObject({ closed_for: null });
    }
  });

  it('F-3.6: at the new bank, the ledger takes the new bank and account and opens; the old summary account owes the new one the balance (journal, settlement instruction); a redelivery changes nothing', async () => {
    const account = await funded('250.00');
    const request = closing(account);
    await close(request);
    await resolved(verdict(request, { bankChange: openedAt(NEW, 'DESIGNATE', '250.00') }));
    await resolved(verdict(request, { bankChange: openedAt(NEW, 'DESIGNATE', '250.00') }));

    expect(await ledger(account.fundAccountNo)).toMatchObject({ balance: '250.00', bank_code: NEW, bank_account_no: '6217000055556666', custody_status: 'DESIGNATED', account_status: 'NORMAL', closed_for: null });
    const lines = await db.dataSource.query(`SELECT account, amount::text, fund_account_no, source FROM transfer.journal_lines WHERE source_id = $1 ORDER BY amount`, [request.functionId]);
    expect(lines).toEqual([
      { account: `SUMMARY:${NEW}`, amount: '-250.00', fund_account_no: null, source: 'BANK_CHANGE' },
      { account: `SUMMARY:${OLD}`, amount: '250.00', fund_account_no: null, source: 'BANK_CHANGE' },
    ]);
    const instructions = await db.dataSource.query(
      `SELECT transfer_id, business_date::text AS business_date, amount::text, from_bank_code, from_summary_account, to_bank_code, to_summary_account FROM transfer.settlement_instructions WHERE function_id = $1`,
      [request.functionId],
    );
    expect(instructions).toEqual([
      {
        transfer_id: null,
        business_date: testbed.businessDate,
        amount: '250.00',
        from_bank_code: OLD,
        from_summary_account: findBank(config, OLD)!.summaryAccount,
        to_bank_code: NEW,
        to_summary_account: findBank(config, NEW)!.summaryAccount,
      },
    ]);
    expect(await outbox('settlement.instruction-recorded', 'functionId', request.functionId)).toEqual([expect.objectContaining({ amount: '250.00', fromBankCode: OLD, toBankCode: NEW })]);
    expect(await outbox('custody.function-applied', 'functionId', request.functionId)).toHaveLength(2);

    // From now on its transfers go to the new bank.
    const transferId = await testbed.transfers.request({ requestId: randomUUID(), type: 'SECURITIES_TO_BANK', fundAccountNo: account.fundAccountNo, currency: 'CNY', amount: Money.parse('10.00') });
    const [transfer] = await db.dataSource.query(`SELECT bank_code, bank_account_no FROM transfer.transfers WHERE transfer_id = $1`, [transferId]);
    expect(transfer).toEqual({ bank_code: NEW, bank_account_no: '6217000055556666' });
  });

  it('F-3.6: the new bank refused and the old bank holds the money again: the ledger is pre-designated at the old bank (transfers RELATIONSHIP_NOT_ACTIVE), nothing owed between banks', async () => {
    const account = await funded('80.00');
    const request = closing(account);
    await close(request);
    await resolved(verdict(request, { status: 'FAILED', failure: { code: 'BANK_REJECTED', bankReturnCode: '5016', message: '非同一客户' }, bankChange: openedAt(OLD, 'PRE_DESIGNATE', '80.00') }));
    expect(await ledger(account.fundAccountNo)).toMatchObject({ balance: '80.00', bank_code: OLD, bank_account_no: null, custody_status: 'PRE_DESIGNATED', closed_for: null });
    expect(await db.dataSource.query(`SELECT 1 FROM transfer.journal_lines WHERE source_id = $1`, [request.functionId])).toEqual([]);
    expect(await db.dataSource.query(`SELECT 1 FROM transfer.settlement_instructions WHERE function_id = $1`, [request.functionId])).toEqual([]);
    await expect(
      testbed.transfers.request({ requestId: randomUUID(), type: 'SECURITIES_TO_BANK', fundAccountNo: account.fundAccountNo, currency: 'CNY', amount: Money.parse('1.00') }),
    ).rejects.toMatchObject({ code: 'RELATIONSHIP_NOT_ACTIVE' });
  });

  it('F-3.6: both banks refused — the money is at no bank: the ledger stays closed for an operator, nothing is guessed', async () => {
    const account = await funded('40.00');
    const request = closing(account);
    await close(request);
    await resolved(verdict(request, { status: 'FAILED', failure: { code: 'BANK_REJECTED', message: 'refused' }, bankChange: { balanceLeaving: Money.parse('40.00') } }));
    expect(await ledger(account.fundAccountNo)).toMatchObject({ bank_code: OLD, closed_for: request.functionId });
  });

  it('a change whose ledger was not closed for it is a fault, thrown for an operator; nothing moves', async () => {
    const account = await funded('10.00');
    const request = closing(account);
    await expect(resolved(verdict(request, { bankChange: openedAt(NEW, 'DESIGNATE', '10.00') }))).rejects.toThrow(/was not closed for it/);
    expect(await ledger(account.fundAccountNo)).toMatchObject({ bank_code: OLD, custody_status: 'DESIGNATED' });
  });
});
