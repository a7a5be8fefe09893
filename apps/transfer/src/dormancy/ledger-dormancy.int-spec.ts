import { randomUUID } from 'node:crypto';
import { resolve } from 'node:path';
import { type Chk04Record, readDayFile, writeDayFile } from '@custody/bank-protocol';
import { loadCustodyConfig } from '@custody/service-kit';
import { requireInfrastructure, uniqueFundAccountNo } from '@custody/testing';
import { bankRequestFor, startTransferTestbed, type TransferTestbed } from '../testing/transfer-testbed';

jest.setTimeout(60_000);

const BANK = '1021000';
const OTHER_BANK = '1051000';

/**
 * F-12.3 at the transfer service, against the real PostgreSQL: it reports a fund ledger's activity facts for an
 * operator's dormant marking (deciding nothing), takes the DORMANT flag account decided, leaves a dormant ledger out
 * of S_CHK04 while it holds nothing, and wakes it on the bank's confirmation.
 */
describe('F-12.3 dormant ledgers at the transfer service (real PostgreSQL)', () => {
  const config = loadCustodyConfig(resolve(__dirname, '../../../../config/custody.local.yaml'));
  let bed: TransferTestbed;

  beforeAll(async () => {
    await requireInfrastructure({ postgres: true });
    bed = await startTransferTestbed('transfer_dormancy', config);
  });
  afterAll(() => bed?.db.drop());

  /** A fund ledger pre-designated at `bankCode`, as account's events leave it. */
  async function preDesignated(bankCode = BANK): Promise<{ fundAccountNo: string; relationshipId: string }> {
    const fundAccountNo = uniqueFundAccountNo();
    const relationshipId = randomUUID();
    await bed.db.dataSource.transaction(async (m) => {
      await bed.projection.fundAccountOpened(m, { fundAccountNo, customerNo: 'C1', currency: 'CNY', role: 'PRIMARY', customerName: '王五', branchId: '0001' });
      await bed.projection.designationResolved(m, { relationshipId, fundAccountNo, currency: 'CNY', bankCode, status: 'PRE_DESIGNATED', custodyAccountNo: 'K1' });
    });
    return { fundAccountNo, relationshipId };
  }

  const checkOf = (ledger: { fundAccountNo: string; relationshipId: string }, bankCode = BANK) => ({ markingId: randomUUID(), relationshipId: ledger.relationshipId, fundAccountNo: ledger.fundAccountNo, currency: 'CNY' as const, bankCode });
  const reportFor = async (check: ReturnType<typeof checkOf>) => {
    await bed.db.dataSource.transaction((m) => bed.dormancy.reportActivity(m, check));
    const [row] = await bed.db.dataSource.query(
      `SELECT envelope->'payload' AS payload FROM transfer.outbox WHERE topic = 'custody.internal.ledger.activity-reported.1' AND envelope->'payload'->>'markingId' = $1`,
      [check.markingId],
    );
    return row.payload;
  };
  const markDormant = (ledger: { fundAccountNo: string; relationshipId: string }) =>
    bed.db.dataSource.transaction((m) => bed.dormancy.markDormant(m, { relationshipId: ledger.relationshipId, fundAccountNo: ledger.fundAccountNo, currency: 'CNY', bankCode: BANK, dormantSince: bed.businessDate }));
  const dormantFlag = async (fundAccountNo: string): Promise<boolean> => (await bed.db.dataSource.query(`SELECT dormant FROM transfer.ledger_accounts WHERE fund_account_no = $1`, [fundAccountNo]))[0].dormant;

  async function chk04Accounts(): Promise<string[]> {
    const records: Chk04Record[] = [];
    for await (const record of readDayFile('CHK04', writeDayFile('CHK04', await bed.dayFiles.chk04(BANK, bed.businessDate)))) records.push(record);
    return records.map((r) => r.fundAccountNo);
  }

  it('F-12.3: the ledger’s facts for a marking — its balance, what is held, its last movement’s business date — and nothing decided here', async () => {
    const idle = await preDesignated();
    expect(await reportFor(checkOf(idle))).toMatchObject({ found: true, balance: '0.00', held: '0.00', lastMovementDate: null, relationshipId: idle.relationshipId });
    expect(await dormantFlag(idle.fundAccountNo)).toBe(false);

    const active = await bed.designatedAccount(BANK);
    await bed.db.dataSource.transaction((m) => bed.inbound.handle(m, bankRequestFor(BANK, active, { amount: '250.00' })));
    expect(await reportFor({ ...checkOf({ ...active, relationshipId: randomUUID() }) })).toMatchObject({ found: true, balance: '250.00', held: '0.00', lastMovementDate: bed.businessDate });
  });

  it('F-12.3: no ledger of the fund account at that bank is reported not found', async () => {
    const elsewhere = await preDesignated(OTHER_BANK);
    expect(await reportFor(checkOf(elsewhere, BANK))).toEqual(expect.objectContaining({ found: false }));
  });

  describe('S_CHK04 (bank-protocol.md §5: the bank does not report a zero-balance account the broker leaves out)', () => {
    let dormant: { fundAccountNo: string; relationshipId: string };
    let awake: { fundAccountNo: string; relationshipId: string };

    beforeAll(async () => {
      dormant = await preDesignated();
      awake = await preDesignated();
      await markDormant(dormant);
      await bed.db.dataSource.transaction((m) =>
        bed.bankDays.apply(m, { bankCode: BANK, businessDate: bed.businessDate, phase: 'ENDED', snapshot: { unsettledTransferIds: [] }, changedAt: new Date(Date.now() + 1000).toISOString() }),
      );
    });

    it('F-12.3: a dormant ledger that holds nothing is left out; an awake pre-designated one is listed', async () => {
      expect(await dormantFlag(dormant.fundAccountNo)).toBe(true);
      const listed = await chk04Accounts();
      expect(listed).toContain(awake.fundAccountNo);
      expect(listed).not.toContain(dormant.fundAccountNo);
    });

    it('F-12.3: a dormant ledger that holds money again is listed, whatever its flag says', async () => {
      const credited = await preDesignated();
      await markDormant(credited);
      // Money reached it since (an adjustment's CREDIT, a clearing result): the bank's custody account holds it too.
      await bed.db.dataSource.query(`UPDATE transfer.ledger_accounts SET balance = 12.00 WHERE fund_account_no = $1`, [credited.fundAccountNo]);
      expect(await chk04Accounts()).toContain(credited.fundAccountNo);
    });

    it('F-12.3: reactivation is a designation — the bank’s confirmation wakes the ledger and it is listed again', async () => {
      await bed.db.dataSource.transaction((m) =>
        bed.projection.designationConfirmed(m, {
          relationshipId: dormant.relationshipId,
          fundAccountNo: dormant.fundAccountNo,
          currency: 'CNY',
          bankCode: BANK,
          bankAccountNo: '6222000011112222',
          reply: { inboundId: randomUUID(), route: { adapterInstanceId: 'a1', sessionId: 's1', requestRef: { serialNo: 'B1', issuerType: 'B', issuerId: BANK } } },
        }),
      );
      expect(await dormantFlag(dormant.fundAccountNo)).toBe(false);
      expect(await chk04Accounts()).toContain(dormant.fundAccountNo);
    });

    it('F-12.3: a marking that reaches a ledger confirmed meanwhile leaves it awake', async () => {
      await markDormant(dormant);
      expect(await dormantFlag(dormant.fundAccountNo)).toBe(false);
    });
  });
});
