import { randomUUID } from 'node:crypto';
import { resolve } from 'node:path';
import { loadCustodyConfig } from '@custody/service-kit';
import { requireInfrastructure } from '@custody/testing';
import { bankRequestFor, type InboundRequest, startTransferTestbed, type TransferTestbed } from '../testing/transfer-testbed';
import { stableCaseId } from './manual-cases';
import { Money } from '@custody/money';

jest.setTimeout(30_000);

const BANK = '1021000';

/** The transfer flows' cases only an operator can settle land in the day's queue: `transfer.manual-case-raised` in the transaction that met them (real PostgreSQL). */
describe('operator cases raised by the transfer flows (real PostgreSQL)', () => {
  const config = loadCustodyConfig(resolve(__dirname, '../../../../config/custody.local.yaml'));
  let bed: TransferTestbed;

  beforeAll(async () => {
    await requireInfrastructure({ postgres: true });
    bed = await startTransferTestbed('transfer_manual_cases', config);
  });
  afterAll(() => bed?.db.drop());

  const handle = async (request: InboundRequest) => {
    await bed.db.dataSource.transaction((m) => bed.inbound.handle(m, request));
    return request;
  };
  const casesOf = (transferId: string) =>
    bed.db.dataSource.query<Array<{ payload: Record<string, unknown>; xid: string }>>(
      `SELECT envelope -> 'payload' AS payload, xmin::text AS xid FROM transfer.outbox WHERE topic = 'custody.internal.transfer.manual-case-raised.1' AND envelope -> 'payload' ->> 'transferId' = $1 ORDER BY id`,
      [transferId],
    );
  const transferIdOf = async (serialNo: string): Promise<string> =>
    (await bed.db.dataSource.query(`SELECT transfer_id FROM transfer.transfers WHERE initiator = 'B' AND serial_no = $1`, [serialNo]))[0].transfer_id;

  it('F-4.3 B: a reversal refused 2008 (the credited funds were used) raises REVERSAL_REFUSED_FUNDS_USED once, with a stable caseId, in the transaction of the 2008 reply', async () => {
    const account = await bed.designatedAccount(BANK);
    const deposit = await handle(bankRequestFor(BANK, account, { amount: '250.00' }));
    await handle(bankRequestFor(BANK, account, { function: 'SECURITIES_TO_BANK', amount: '100.00', fundPassword: 'MATCHED' }));
    const reversal = bankRequestFor(BANK, account, { function: 'REVERSE_BANK_TO_SECURITIES', amount: '250.00', cancelledRef: { serialNo: deposit.serialNo, issuerType: 'B', issuerId: BANK } });
    await handle(reversal);
    await handle({ ...reversal, inboundId: randomUUID() });
    const transferId = await transferIdOf(deposit.serialNo);
    const cases = await casesOf(transferId);
    expect(cases.map((c) => c.payload)).toEqual([
      {
        caseId: stableCaseId('REVERSAL_REFUSED_FUNDS_USED', BANK, reversal.serialNo),
        cause: 'REVERSAL_REFUSED_FUNDS_USED',
        bankCode: BANK,
        businessDate: bed.businessDate,
        description: expect.stringContaining('refused 2008'),
        transferId,
        initiator: 'B',
        serialNo: reversal.serialNo,
        functionCode: '12003',
        fundAccountNo: account.fundAccountNo,
        currency: 'CNY',
        amount: '250.00',
        bankReturnCode: '2008',
      },
    ]);
    const [reply] = await bed.db.dataSource.query(
      `SELECT xmin::text AS xid, envelope -> 'payload' ->> 'returnCode' AS code FROM transfer.outbox WHERE envelope -> 'payload' ->> 'inboundId' = $1`,
      [reversal.inboundId],
    );
    expect(reply).toEqual({ xid: cases[0].xid, code: '2008' });
  });

  it('a saga verdict that contradicts a final transfer changes nothing and raises CONFLICTING_OUTCOME; the verdict again is the same case', async () => {
    const account = await bed.designatedAccount(BANK);
    const transferId = await bed.transfers.request({ requestId: randomUUID(), type: 'BANK_TO_SECURITIES', fundAccountNo: account.fundAccountNo, currency: 'CNY', amount: Money.parse('10.00'), bankPassword: '135790' });
    const verdict = (status: 'SUCCEEDED' | 'FAILED') =>
      bed.db.dataSource.transaction((m) => bed.transfers.applyOutcome(m, { transferId, status, failure: status === 'FAILED' ? { code: 'BANK_REJECTED', bankReturnCode: '1002', message: 'no money' } : undefined }));
    await verdict('SUCCEEDED');
    await verdict('SUCCEEDED');
    expect(await casesOf(transferId)).toEqual([]);
    await verdict('FAILED');
    const [raised] = await casesOf(transferId);
    expect(raised.payload).toMatchObject({ cause: 'CONFLICTING_OUTCOME', caseId: stableCaseId('CONFLICTING_OUTCOME', transferId, 'FAILED'), initiator: 'S', functionCode: '12001', amount: '10.00', bankReturnCode: '1002' });
    await verdict('FAILED');
    expect(new Set((await casesOf(transferId)).map((c) => c.payload.caseId))).toEqual(new Set([raised.payload.caseId]));
    const [row] = await bed.db.dataSource.query(`SELECT status, balance::text FROM transfer.transfers t JOIN transfer.ledger_accounts a USING (fund_account_no) WHERE transfer_id = $1`, [transferId]);
    expect(row).toEqual({ status: 'SUCCEEDED', balance: '10.00' });
  });
});
