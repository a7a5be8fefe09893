import { randomUUID } from 'node:crypto';
import { resolve } from 'node:path';
import { bankReplyReadyFor, type designationOpenedAtBank } from '@custody/contracts';
import { loadCustodyConfig } from '@custody/service-kit';
import { requireInfrastructure, uniqueFundAccountNo, type TestDatabase } from '@custody/testing';
import type { z } from 'zod';
import { bankRequestFor, startTransferTestbed, type TransferTestbed } from '../testing/transfer-testbed';

const BANK = '1021000';
const REPLY_TOPIC = bankReplyReadyFor(BANK).name;
const BANK_ACCOUNT = '6222000033334444';

/** F-3.3 B / 11010 B at the transfer service, against the real PostgreSQL: the ledger links, answers with its opening balance, once. */
describe('F-3.3 B: the ledger of a relationship the bank opened (11001, 11010)', () => {
  const config = loadCustodyConfig(resolve(__dirname, '../../../../config/custody.local.yaml'));
  let testbed: TransferTestbed;
  let db: TestDatabase;

  beforeAll(async () => {
    await requireInfrastructure({ postgres: true });
    testbed = await startTransferTestbed('transfer_bank_opening', config);
    ({ db } = testbed);
  });

  afterAll(() => testbed?.db.drop());

  /** A fund account's ledger with no relationship, holding `balance` from before custody (customer conversion, F-12, which no flow here posts yet). */
  async function ledgerHolding(balance: string, currency: 'CNY' | 'USD' = 'CNY'): Promise<string> {
    const fundAccountNo = uniqueFundAccountNo();
    await db.dataSource.transaction((m) => testbed.projection.fundAccountOpened(m, { fundAccountNo, customerNo: 'C1', currency, role: 'PRIMARY', customerName: '李四', branchId: '0001' }));
    await db.dataSource.query(`UPDATE transfer.ledger_accounts SET balance = $3 WHERE fund_account_no = $1 AND currency = $2`, [fundAccountNo, currency, balance]);
    return fundAccountNo;
  }

  function opened(fundAccountNo: string, over: Partial<z.infer<typeof designationOpenedAtBank.schema>> = {}): z.infer<typeof designationOpenedAtBank.schema> {
    const serialNo = `B${randomUUID().replace(/-/g, '').slice(0, 12)}`;
    return {
      relationshipId: randomUUID(),
      function: 'DESIGNATE',
      serialNo: '20261124100000000042',
      fundAccountNo,
      currency: 'CNY',
      bankCode: BANK,
      bankAccountNo: BANK_ACCOUNT,
      reply: { inboundId: randomUUID(), route: { adapterInstanceId: 'a1', sessionId: 's1', requestRef: { serialNo, issuerType: 'B', issuerId: BANK } } },
      ...over,
    };
  }

  const apply = (event: z.infer<typeof designationOpenedAtBank.schema>) => db.dataSource.transaction((m) => testbed.projection.designationOpenedAtBank(m, event));

  async function written(event: z.infer<typeof designationOpenedAtBank.schema>) {
    const rows: Array<{ topic: string; payload: Record<string, unknown> }> = await db.dataSource.query(
      `SELECT topic, envelope->'payload' AS payload FROM transfer.outbox
        WHERE envelope->'payload'->>'inboundId' = $1 OR (topic = 'custody.internal.designation.opening-balance-given.1' AND envelope->'payload'->>'relationshipId' = $2)
        ORDER BY id`,
      [event.reply.inboundId, event.relationshipId],
    );
    return rows;
  }

  async function ledger(fundAccountNo: string, currency = 'CNY') {
    const [row] = await db.dataSource.query(
      `SELECT balance::text, bank_code, bank_account_no, custody_status, account_status FROM transfer.ledger_accounts WHERE fund_account_no = $1 AND currency = $2`,
      [fundAccountNo, currency],
    );
    return row;
  }

  it("F-3.3 B: the ledger takes the bank and the bank account and opens for transfers; 0000 carries its balance as ScBal under our serial, and account is given the same figure", async () => {
    const fundAccountNo = await ledgerHolding('1520.35');
    const event = opened(fundAccountNo);
    await apply(event);

    expect(await ledger(fundAccountNo)).toEqual({ balance: '1520.35', bank_code: BANK, bank_account_no: BANK_ACCOUNT, custody_status: 'DESIGNATED', account_status: 'NORMAL' });
    expect(await written(event)).toEqual([
      {
        topic: REPLY_TOPIC,
        payload: expect.objectContaining({ inboundId: event.reply.inboundId, function: 'DESIGNATE', returnCode: '0000', serialNo: event.serialNo, openingBalance: '1520.35', route: event.reply.route }),
      },
      {
        topic: 'custody.internal.designation.opening-balance-given.1',
        payload: { relationshipId: event.relationshipId, fundAccountNo, currency: 'CNY', bankCode: BANK, openingBalance: '1520.35' },
      },
    ]);
    // The ledger was linked before the bank read the 0000: a deposit the bank starts on reading it is taken.
    await db.dataSource.transaction((m) => testbed.inbound.handle(m, bankRequestFor(BANK, { fundAccountNo, bankAccountNo: BANK_ACCOUNT }, { amount: '100.00' })));
    expect(await ledger(fundAccountNo)).toMatchObject({ balance: '1620.35' });
  });

  it('bank-protocol.md §4: a repeat is answered with the opening balance first given, whatever moved since, and links nothing anew', async () => {
    const fundAccountNo = await ledgerHolding('0.00');
    const event = opened(fundAccountNo);
    await apply(event);
    await db.dataSource.transaction((m) => testbed.inbound.handle(m, bankRequestFor(BANK, { fundAccountNo, bankAccountNo: BANK_ACCOUNT }, { amount: '250.00' })));
    await db.dataSource.query(`UPDATE transfer.ledger_accounts SET account_status = 'FROZEN' WHERE fund_account_no = $1`, [fundAccountNo]);

    const repeat = { ...event, reply: { ...event.reply, inboundId: randomUUID() } };
    await apply(repeat);

    expect((await written(repeat)).map((row) => [row.topic, row.payload.openingBalance])).toEqual([
      ['custody.internal.designation.opening-balance-given.1', '0.00'],
      [REPLY_TOPIC, '0.00'],
      ['custody.internal.designation.opening-balance-given.1', '0.00'],
    ]);
    // A later 11011 stands: the repeat did not set the ledger back to NORMAL.
    expect(await ledger(fundAccountNo)).toMatchObject({ balance: '250.00', account_status: 'FROZEN' });
  });

  it('11010 B: another currency of the fund account is its own ledger, linked and answered with its own balance', async () => {
    const fundAccountNo = await ledgerHolding('12.00', 'USD');
    const event = opened(fundAccountNo, { function: 'REGISTER_CURRENCY', currency: 'USD' });
    await apply(event);
    expect(await ledger(fundAccountNo, 'USD')).toMatchObject({ custody_status: 'DESIGNATED', bank_code: BANK });
    expect(await written(event)).toContainEqual({ topic: REPLY_TOPIC, payload: expect.objectContaining({ function: 'REGISTER_CURRENCY', openingBalance: '12.00' }) });
  });

  it('a relationship whose ledger has not opened yet fails loudly (the consumer retries) and answers nothing', async () => {
    const event = opened(uniqueFundAccountNo());
    await expect(apply(event)).rejects.toThrow('arrived before its fund account');
    expect(await written(event)).toEqual([]);
  });
});
