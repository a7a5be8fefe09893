import { randomUUID } from 'node:crypto';
import { resolve } from 'node:path';
import { bankReplyReadyFor, type LedgerClosingRequest } from '@custody/contracts';
import { Money } from '@custody/money';
import { loadCustodyConfig } from '@custody/service-kit';
import { requireInfrastructure, type TestDatabase } from '@custody/testing';
import { bankRequestFor, startTransferTestbed, type TestAccount, type TransferTestbed } from '../testing/transfer-testbed';

const BANK = '1021000';
const REPLY_TOPIC = bankReplyReadyFor(BANK).name;

/**
 * F-3.8 at the transfer service against the real PostgreSQL: the saga's first step closes the ledger (only with zero
 * balance, nothing held or frozen, nothing in flight), a closed ledger takes no transfer and no hold, the compensation
 * reopens it, and the bank's 0000 cancels it. Every request is idempotent by the function's id.
 */
describe('F-3.8: the ledger closed for a cancellation (real PostgreSQL)', () => {
  const config = loadCustodyConfig(resolve(__dirname, '../../../../config/custody.local.yaml'));
  let testbed: TransferTestbed;
  let db: TestDatabase;

  beforeAll(async () => {
    await requireInfrastructure({ postgres: true });
    testbed = await startTransferTestbed('transfer_ledger_closings', config);
    db = testbed.db;
  });

  afterAll(() => testbed?.db.drop());

  const closing = (account: TestAccount, functionId = randomUUID()): LedgerClosingRequest => ({ functionId, fundAccountNo: account.fundAccountNo, currency: 'CNY', bankCode: BANK, purpose: 'CANCELLATION' });
  const close = (request: LedgerClosingRequest) => db.dataSource.transaction((m) => testbed.closings.close(m, request));
  const reopen = (request: LedgerClosingRequest) => db.dataSource.transaction((m) => testbed.closings.reopen(m, request));
  const cancelled = (request: LedgerClosingRequest) =>
    db.dataSource.transaction((m) =>
      testbed.projection.custodyFunctionResolved(m, { ...request, function: 'CANCEL_DESIGNATION', serialNo: '20261207100000000001', status: 'SUCCEEDED', businessDate: testbed.businessDate }),
    );

  async function answers(topic: 'ledger.closing-decided' | 'ledger.reopened', functionId: string): Promise<Array<Record<string, unknown>>> {
    const rows: Array<{ envelope: { payload: Record<string, unknown> } }> = await db.dataSource.query(
      `SELECT envelope FROM transfer.outbox WHERE topic = $1 AND envelope->'payload'->>'functionId' = $2 ORDER BY id`,
      [`custody.internal.${topic}.1`, functionId],
    );
    return rows.map((r) => r.envelope.payload);
  }

  async function ledger(fundAccountNo: string) {
    const [row] = await db.dataSource.query(`SELECT balance::text, held::text, custody_status, closed_for FROM transfer.ledger_accounts WHERE fund_account_no = $1`, [fundAccountNo]);
    return row as { balance: string; held: string; custody_status: string; closed_for: string | null };
  }

  async function bankDeposit(account: TestAccount, amount: string): Promise<string> {
    const request = bankRequestFor(BANK, account, { amount });
    await db.dataSource.transaction((m) => testbed.inbound.handle(m, request));
    const [row] = await db.dataSource.query(`SELECT envelope FROM transfer.outbox WHERE topic = $2 AND envelope->'payload'->>'inboundId' = $1`, [request.inboundId, REPLY_TOPIC]);
    return row.envelope.payload.returnCode;
  }

  const deposit = (account: TestAccount, amount = '10.00') =>
    testbed.transfers.request({ requestId: randomUUID(), type: 'BANK_TO_SECURITIES', fundAccountNo: account.fundAccountNo, currency: 'CNY', amount: Money.parse(amount), bankPassword: '135790' });
  const hold = (account: TestAccount, amount = '10.00') => testbed.holds.place({ requestId: randomUUID(), fundAccountNo: account.fundAccountNo, currency: 'CNY', amount: Money.parse(amount), reason: 'order' });

  it('F-3.8: a ledger with nothing on it closes at 0.00; closed, it refuses transfers, holds and the bank’s own deposits (2010), and a repeat is answered the same', async () => {
    const account = await testbed.designatedAccount(BANK);
    const request = closing(account);
    await close(request);
    expect(await answers('ledger.closing-decided', request.functionId)).toEqual([expect.objectContaining({ decision: 'CLOSED', balance: '0.00', fundAccountNo: account.fundAccountNo, bankCode: BANK })]);
    expect(await ledger(account.fundAccountNo)).toMatchObject({ closed_for: request.functionId, custody_status: 'DESIGNATED' });

    await expect(deposit(account)).rejects.toMatchObject({ code: 'RELATIONSHIP_CHANGING' });
    await expect(hold(account)).rejects.toMatchObject({ code: 'RELATIONSHIP_CHANGING' });
    expect(await bankDeposit(account, '5.00')).toBe('2010');
    expect(await ledger(account.fundAccountNo)).toMatchObject({ balance: '0.00', held: '0.00' });

    await close(request);
    const decided = await answers('ledger.closing-decided', request.functionId);
    expect(decided).toHaveLength(2);
    expect(decided[1]).toEqual(decided[0]);
  });

  it.each([
    ['a balance', async (account: TestAccount) => expect(await bankDeposit(account, '0.01')).toBe('0000'), 'a balance of 0.01'],
    [
      'a hold',
      async (account: TestAccount) => {
        expect(await bankDeposit(account, '50.00')).toBe('0000');
        await hold(account, '20.00');
      },
      'a hold of 20.00',
    ],
    ['a transfer in flight', async (account: TestAccount) => void (await deposit(account)), '1 transfer(s) in flight'],
  ])('F-3.8: %s is CANCELLATION_REFUSED, the detail naming it; nothing changes, and a repeat is refused the same', async (_what, arrange, detail) => {
    const account = await testbed.designatedAccount(BANK);
    await arrange(account);
    const before = await ledger(account.fundAccountNo);
    const request = closing(account);
    await close(request);
    const [refused] = await answers('ledger.closing-decided', request.functionId);
    expect(refused).toMatchObject({ decision: 'REFUSED', refusal: { code: 'CANCELLATION_REFUSED' } });
    expect((refused.refusal as { message: string }).message).toContain(detail);
    expect(await ledger(account.fundAccountNo)).toEqual(before);
    expect(before.closed_for).toBeNull();
    await close(request);
    expect((await answers('ledger.closing-decided', request.functionId))[1]).toEqual(refused);
  });

  it('11011: a frozen ledger is RELATIONSHIP_FROZEN; one closed for another function RELATIONSHIP_CHANGING', async () => {
    const frozen = await testbed.designatedAccount(BANK);
    await db.dataSource.transaction((m) =>
      testbed.projection.relationshipStatusChanged(m, {
        fundAccountNo: frozen.fundAccountNo,
        bankCode: BANK,
        accountStatus: 'FROZEN',
        reply: { inboundId: randomUUID(), route: { adapterInstanceId: 'a1', sessionId: 's1', requestRef: { serialNo: 'B1', issuerType: 'B', issuerId: BANK } } },
      }),
    );
    const onFrozen = closing(frozen);
    await close(onFrozen);
    expect(await answers('ledger.closing-decided', onFrozen.functionId)).toEqual([expect.objectContaining({ decision: 'REFUSED', refusal: expect.objectContaining({ code: 'RELATIONSHIP_FROZEN' }) })]);
    expect(await ledger(frozen.fundAccountNo)).toMatchObject({ closed_for: null });

    const account = await testbed.designatedAccount(BANK);
    const first = closing(account);
    await close(first);
    const second = closing(account);
    await close(second);
    expect(await answers('ledger.closing-decided', second.functionId)).toEqual([expect.objectContaining({ decision: 'REFUSED', refusal: expect.objectContaining({ code: 'RELATIONSHIP_CHANGING' }) })]);
    expect(await ledger(account.fundAccountNo)).toMatchObject({ closed_for: first.functionId });
  });

  it('the compensation: the bank refused, the ledger opens again and takes transfers; a repeat, or a reopening of what was never closed, changes nothing', async () => {
    const account = await testbed.designatedAccount(BANK);
    const request = closing(account);
    await close(request);
    await reopen(request);
    await reopen(request);
    expect(await answers('ledger.reopened', request.functionId)).toHaveLength(2);
    expect(await ledger(account.fundAccountNo)).toMatchObject({ closed_for: null, custody_status: 'DESIGNATED' });
    await expect(deposit(account)).resolves.toEqual(expect.any(String));
    expect(await bankDeposit(account, '5.00')).toBe('0000');

    const neverClosed = closing(account);
    await reopen(neverClosed);
    expect(await answers('ledger.reopened', neverClosed.functionId)).toHaveLength(1);
    expect(await ledger(account.fundAccountNo)).toMatchObject({ closed_for: null, balance: '5.00' });
  });

  it('F-3.8: the bank’s 0000 cancels the ledger it was closed for (transfers RELATIONSHIP_NOT_ACTIVE); a redelivery changes nothing; a new designation links it again', async () => {
    const account = await testbed.designatedAccount(BANK);
    const request = closing(account);
    await close(request);
    await cancelled(request);
    await cancelled(request);
    expect(await ledger(account.fundAccountNo)).toMatchObject({ custody_status: 'CANCELLED', closed_for: null });
    await expect(deposit(account)).rejects.toMatchObject({ code: 'RELATIONSHIP_NOT_ACTIVE' });
    expect(await bankDeposit(account, '5.00')).toBe('2013');
    const [applied] = await db.dataSource.query(`SELECT count(*)::int AS n FROM transfer.outbox WHERE topic = 'custody.internal.custody.function-applied.1' AND envelope->'payload'->>'functionId' = $1`, [request.functionId]);
    expect(applied.n).toBe(2);
    await expect(reopen(request)).rejects.toThrow(/cannot be reopened/);

    await testbed.designatedAccount(BANK, { fundAccountNo: account.fundAccountNo, bankAccountNo: account.bankAccountNo });
    expect(await ledger(account.fundAccountNo)).toMatchObject({ custody_status: 'DESIGNATED', closed_for: null });
    expect(await bankDeposit(account, '5.00')).toBe('0000');
  });

  it('a 0000 for a ledger that was not closed for the function is a fault, thrown for an operator; nothing is cancelled', async () => {
    const account = await testbed.designatedAccount(BANK);
    await expect(cancelled(closing(account))).rejects.toThrow(/was not closed for it/);
    expect(await ledger(account.fundAccountNo)).toMatchObject({ custody_status: 'DESIGNATED' });
    await expect(deposit(account)).resolves.toEqual(expect.any(String));
  });
});
