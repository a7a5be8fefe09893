import { randomUUID } from 'node:crypto';
import { resolve } from 'node:path';
import { bankReplyReadyFor, type CustodyFunctionResolution } from '@custody/contracts';
import { Money } from '@custody/money';
import { loadCustodyConfig } from '@custody/service-kit';
import { requireInfrastructure } from '@custody/testing';
import { bankRequestFor, startTransferTestbed, type TestAccount, type TransferTestbed } from '../testing/transfer-testbed';

const BANK = '1021000';
const REPLY_TOPIC = bankReplyReadyFor(BANK).name;

/** The ledger's part of the broker-started account functions (custody.function-resolved), against the real PostgreSQL. */
describe('the ledger applies a broker-started account function’s verdict before account hears of it', () => {
  const config = loadCustodyConfig(resolve(__dirname, '../../../../config/custody.local.yaml'));
  let testbed: TransferTestbed;

  beforeAll(async () => {
    await requireInfrastructure({ postgres: true });
    testbed = await startTransferTestbed('transfer_custody_functions', config);
  });

  afterAll(() => testbed?.db.drop());

  function verdict(account: TestAccount, fields: Partial<CustodyFunctionResolution> & Pick<CustodyFunctionResolution, 'function' | 'status'>): CustodyFunctionResolution {
    return { functionId: randomUUID(), serialNo: `S${Date.now()}`.slice(0, 20), bankCode: BANK, fundAccountNo: account.fundAccountNo, currency: 'CNY', businessDate: testbed.businessDate, ...fields };
  }

  const apply = (resolution: CustodyFunctionResolution) => testbed.db.dataSource.transaction((m) => testbed.projection.custodyFunctionResolved(m, resolution));

  const accountStatusOf = async (fundAccountNo: string) =>
    (await testbed.db.dataSource.query(`SELECT account_status FROM transfer.ledger_accounts WHERE fund_account_no = $1`, [fundAccountNo]))[0].account_status;

  async function appliedFor(functionId: string) {
    const rows: Array<{ envelope: { payload: Record<string, unknown> } }> = await testbed.db.dataSource.query(
      `SELECT envelope FROM transfer.outbox WHERE topic = 'custody.internal.custody.function-applied.1' AND envelope->'payload'->>'functionId' = $1`,
      [functionId],
    );
    return rows.map((row) => row.envelope.payload);
  }

  const deposit = (account: TestAccount) =>
    testbed.transfers.request({ requestId: randomUUID(), type: 'BANK_TO_SECURITIES', fundAccountNo: account.fundAccountNo, currency: 'CNY', amount: Money.parse('10.00'), bankPassword: '135790' });

  it('11011 S: a freeze the bank took sets the ledger FROZEN, then goes on to account; our transfers and the bank’s are refused', async () => {
    const account = await testbed.designatedAccount(BANK);
    const frozen = verdict(account, { function: 'CHANGE_ACCOUNT_STATUS', status: 'SUCCEEDED', accountStatus: 'FROZEN', bankSerialNo: 'B1' });
    await apply(frozen);
    expect(await accountStatusOf(account.fundAccountNo)).toBe('FROZEN');
    expect(await appliedFor(frozen.functionId)).toEqual([expect.objectContaining({ status: 'SUCCEEDED', accountStatus: 'FROZEN', bankSerialNo: 'B1' })]);
    await expect(deposit(account)).rejects.toMatchObject({ code: 'RELATIONSHIP_FROZEN' });
    await testbed.db.dataSource.transaction((m) => testbed.inbound.handle(m, bankRequestFor(BANK, account, { serialNo: `B${randomUUID().slice(0, 12)}`, amount: '5.00' })));
    const [reply] = await testbed.db.dataSource.query(`SELECT envelope FROM transfer.outbox WHERE topic = $1 ORDER BY id DESC LIMIT 1`, [REPLY_TOPIC]);
    expect(reply.envelope.payload.returnCode).toBe('2010');

    await apply(verdict(account, { function: 'CHANGE_ACCOUNT_STATUS', status: 'SUCCEEDED', accountStatus: 'NORMAL' }));
    expect(await accountStatusOf(account.fundAccountNo)).toBe('NORMAL');
    await expect(deposit(account)).resolves.toBeDefined();
  });

  it('11011 S: a change the bank refused leaves the ledger as it was and is handed on as it came', async () => {
    const account = await testbed.designatedAccount(BANK);
    const refused = verdict(account, { function: 'CHANGE_ACCOUNT_STATUS', status: 'FAILED', failure: { code: 'BANK_REJECTED', bankReturnCode: '5003', message: '该客户已冻结' } });
    await apply(refused);
    expect(await accountStatusOf(account.fundAccountNo)).toBe('NORMAL');
    expect(await appliedFor(refused.functionId)).toEqual([expect.objectContaining({ status: 'FAILED', failure: expect.objectContaining({ bankReturnCode: '5003' }) })]);
  });

  it('F-3.11 S: an identity check means nothing to the ledger and is handed on with the bank’s answer', async () => {
    const account = await testbed.designatedAccount(BANK);
    const check = verdict(account, { function: 'IDENTITY_CHECK', status: 'SUCCEEDED', identityCheck: { matched: false, bankReturnCode: '5011' } });
    await apply(check);
    expect(await accountStatusOf(account.fundAccountNo)).toBe('NORMAL');
    expect(await appliedFor(check.functionId)).toEqual([expect.objectContaining({ identityCheck: { matched: false, bankReturnCode: '5011' } })]);
  });
});
