import { randomUUID } from 'node:crypto';
import { resolve } from 'node:path';
import { requireInfrastructure } from '@custody/testing';
import { DomainError, loadCustodyConfig } from '@custody/service-kit';
import { startTransferTestbed, type TransferTestbed } from '../testing/transfer-testbed';
import { MAX_IN_FLIGHT_ENV, TransferAdmission } from './transfer-admission';
import { Money } from '@custody/money';

/** Issue 9: beyond a bank's transfers in flight the API sheds load at once instead of queueing it (real PostgreSQL). */
describe('transfer admission (real PostgreSQL)', () => {
  const [BANK_A, BANK_B] = ['1021000', '1051000'];
  const config = loadCustodyConfig(resolve(__dirname, '../../../../config/custody.local.yaml'));
  let testbed: TransferTestbed;
  let admission: TransferAdmission;

  beforeAll(async () => {
    await requireInfrastructure({ postgres: true });
    testbed = await startTransferTestbed('transfer_admission', config);
    await testbed.settled.start();
    process.env[MAX_IN_FLIGHT_ENV] = '1';
    admission = new TransferAdmission(testbed.db.dataSource, testbed.ledger, testbed.settled, config);
  });

  afterAll(async () => {
    delete process.env[MAX_IN_FLIGHT_ENV];
    await testbed?.settled.stop();
    await testbed?.db.drop();
  });

  const refusal = (promise: Promise<unknown>) => promise.then(() => undefined, (error: unknown) => error);

  it('issue 9: at a bank’s limit the next request is refused OVERLOADED with a retry time, and another bank’s is still admitted', async () => {
    const a1 = await testbed.designatedAccount(BANK_A);
    const a2 = await testbed.designatedAccount(BANK_A);
    const b = await testbed.designatedAccount(BANK_B);
    const held = await admission.admit(a1.fundAccountNo, 'CNY');

    const refused = await refusal(admission.admit(a2.fundAccountNo, 'CNY'));
    expect(refused).toBeInstanceOf(DomainError);
    expect(refused).toMatchObject({ code: 'OVERLOADED', extensions: { retryAfterSeconds: 1 } });
    const otherBank = await admission.admit(b.fundAccountNo, 'CNY');

    held.refused();
    otherBank.refused();
    (await admission.admit(a2.fundAccountNo, 'CNY')).refused();
  });

  it('issue 9: a transfer holds its bank’s slot until it is final, then the next is admitted', async () => {
    const account = await testbed.designatedAccount(BANK_A);
    await testbed.db.dataSource.query(`UPDATE transfer.ledger_accounts SET balance = 100 WHERE fund_account_no = $1`, [account.fundAccountNo]);
    const held = await admission.admit(account.fundAccountNo, 'CNY');
    const transferId = await testbed.transfers.request({ requestId: randomUUID(), type: 'SECURITIES_TO_BANK', fundAccountNo: account.fundAccountNo, currency: 'CNY', amount: Money.parse('1.00') });
    held.releaseWhenSettled(transferId);
    expect(await refusal(admission.admit(account.fundAccountNo, 'CNY'))).toMatchObject({ code: 'OVERLOADED' });

    await testbed.db.dataSource.transaction((m) => testbed.transfers.applyOutcome(m, { transferId, status: 'SUCCEEDED' }));
    // Woken by the settling commit, well before the hold's 5 s bound.
    const started = Date.now();
    let next: Awaited<ReturnType<TransferAdmission['admit']>> | undefined;
    while (!next && Date.now() - started < 2_000) {
      next = await admission.admit(account.fundAccountNo, 'CNY').catch(() => undefined);
      if (!next) await new Promise((r) => setTimeout(r, 20));
    }
    expect(next).toBeDefined();
    next!.refused();
  });

  it('a request for a fund account with no bank holds nothing (the rules refuse it as before)', async () => {
    const unknown = await admission.admit('99999999999999', 'CNY');
    unknown.refused();
    const account = await testbed.designatedAccount(BANK_A);
    (await admission.admit(account.fundAccountNo, 'CNY')).refused();
  });
});
