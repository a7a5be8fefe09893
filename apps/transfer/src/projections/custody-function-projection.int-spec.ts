import { randomUUID } from 'node:crypto';
import { resolve } from 'node:path';
import { custodyFunctionApplied, type CustodyFunctionResolution, bankReplyReadyFor } from '@custody/contracts';
import { loadCustodyConfig } from '@custody/service-kit';
import { requireInfrastructure } from '@custody/testing';
import { bankRequestFor, startTransferTestbed, type TestAccount, type TransferTestbed } from '../testing/transfer-testbed';

const BANK = '1021000';
const REPLY_TOPIC = bankReplyReadyFor(BANK).name;
const NEW = '6222000055556666';

/** The ledger's part of the broker's account functions (`custody.function-resolved`), against the real PostgreSQL. */
describe('F-3.4 S / F-3.5 S: the ledger applies a change’s verdict before account hears of it', () => {
  let testbed: TransferTestbed;

  beforeAll(async () => {
    await requireInfrastructure({ postgres: true });
    testbed = await startTransferTestbed('transfer_custody_functions', loadCustodyConfig(resolve(__dirname, '../../../../config/custody.local.yaml')));
  });

  afterAll(() => testbed?.db.drop());

  const verdict = (account: TestAccount, fields: Partial<CustodyFunctionResolution>): CustodyFunctionResolution => ({
    functionId: randomUUID(),
    function: 'CHANGE_BANK_ACCOUNT',
    serialNo: '20261207100000000001',
    bankCode: BANK,
    fundAccountNo: account.fundAccountNo,
    currency: 'CNY',
    businessDate: '2026-12-07',
    oldBankAccountNo: account.bankAccountNo,
    newBankAccountNo: NEW,
    status: 'SUCCEEDED',
    ...fields,
  });

  const ledgerAccountOf = async (fundAccountNo: string) => (await testbed.db.dataSource.query(`SELECT bank_account_no FROM transfer.ledger_accounts WHERE fund_account_no = $1`, [fundAccountNo]))[0].bank_account_no;
  const applied = async (functionId: string) =>
    (await testbed.db.dataSource.query(`SELECT envelope FROM transfer.outbox WHERE topic = $1 AND envelope->'payload'->>'functionId' = $2`, [custodyFunctionApplied.name, functionId])).map(
      (r: { envelope: { payload: unknown } }) => r.envelope.payload,
    );
  async function lastReplyCode(): Promise<string> {
    const [row] = await testbed.db.dataSource.query(`SELECT envelope FROM transfer.outbox WHERE topic = $1 ORDER BY id DESC LIMIT 1`, [REPLY_TOPIC]);
    return row.envelope.payload.returnCode;
  }
  const bankDeposit = (account: TestAccount) =>
    testbed.db.dataSource.transaction((m) => testbed.inbound.handle(m, bankRequestFor(BANK, account, { serialNo: `B${randomUUID().slice(0, 12)}`, amount: '10.00' })));

  it('F-3.4 S: a change the bank made gives the ledger the new bank account, then goes on to account; the bank’s transfers naming the old one are refused 3001', async () => {
    const account = await testbed.designatedAccount(BANK);
    const changed = verdict(account, {});
    await testbed.db.dataSource.transaction((m) => testbed.projection.custodyFunctionResolved(m, changed));
    expect(await ledgerAccountOf(account.fundAccountNo)).toBe(NEW);
    expect(await applied(changed.functionId)).toEqual([expect.objectContaining({ functionId: changed.functionId, status: 'SUCCEEDED', newBankAccountNo: NEW })]);

    await bankDeposit(account);
    expect(await lastReplyCode()).toBe('3001');
    await bankDeposit({ ...account, bankAccountNo: NEW });
    expect(await lastReplyCode()).toBe('0000');
  });

  it('a refused change, and a customer data change, leave the ledger as it was and are only handed on', async () => {
    const account = await testbed.designatedAccount(BANK);
    const refused = verdict(account, { status: 'FAILED', failure: { code: 'BANK_REJECTED', bankReturnCode: '5016', message: 'x' } });
    const dataChange = verdict(account, { function: 'CHANGE_CUSTOMER', oldBankAccountNo: undefined, newBankAccountNo: undefined });
    for (const v of [refused, dataChange]) {
      await testbed.db.dataSource.transaction((m) => testbed.projection.custodyFunctionResolved(m, v));
      expect(await applied(v.functionId)).toHaveLength(1);
    }
    expect(await ledgerAccountOf(account.fundAccountNo)).toBe(account.bankAccountNo);
  });
});
