import { randomUUID } from 'node:crypto';
import { resolve } from 'node:path';
import { Money } from '@custody/money';
import { requireInfrastructure, uniqueFundAccountNo, type TestDatabase } from '@custody/testing';
import { loadCustodyConfig } from '@custody/service-kit';
import type { HoldsService } from '../holds/holds.service';
import type { LedgerRepository } from '../ledger/ledger.repository';
import type { CustodyProjection } from '../projections/custody-projection';
import { startTransferTestbed } from '../testing/transfer-testbed';
import type { PrimaryChangeService } from './primary-change.service';

/** §13 roles at the transfer service: the change of primary it decides, and the trading holds it refuses, on the real PostgreSQL. */
describe('change of primary and trading holds (real PostgreSQL)', () => {
  const config = loadCustodyConfig(resolve(__dirname, '../../../../config/custody.local.yaml'));
  const [BANK_A, BANK_B] = config.banks;
  let db: TestDatabase;
  let ledger: LedgerRepository;
  let projection: CustodyProjection;
  let holds: HoldsService;
  let primaryChanges: PrimaryChangeService;

  beforeAll(async () => {
    await requireInfrastructure({ postgres: true });
    ({ db, ledger, projection, holds, primaryChanges } = await startTransferTestbed('transfer_primary_change', config));
  });

  afterAll(() => db?.drop());

  /** A fund account's ledger as account's events leave it, designated at `bankCode` and holding 1000.00. */
  async function fundAccount(customerNo: string, role: 'PRIMARY' | 'AUXILIARY', bankCode: string) {
    const fundAccountNo = uniqueFundAccountNo();
    await db.dataSource.transaction(async (m) => {
      await projection.fundAccountOpened(m, { fundAccountNo, customerNo, currency: 'CNY', role });
      await projection.designationResolved(m, { relationshipId: randomUUID(), fundAccountNo, currency: 'CNY', bankCode, bankAccountNo: `62${Date.now()}`, status: 'DESIGNATED', custodyAccountNo: 'K1' });
      const account = await ledger.lock(m, fundAccountNo, 'CNY');
      await ledger.moveWithBank(m, account!, bankCode, Money.parse('1000.00'), { source: 'TRANSFER', sourceId: randomUUID(), businessDate: '2026-11-21' });
    });
    return fundAccountNo;
  }

  async function customerAtTwoBanks() {
    const customerNo = `C${randomUUID().slice(0, 8)}`;
    return { customerNo, primary: await fundAccount(customerNo, 'PRIMARY', BANK_A.code), auxiliary: await fundAccount(customerNo, 'AUXILIARY', BANK_B.code) };
  }

  const hold = (fundAccountNo: string) => holds.place({ requestId: randomUUID(), fundAccountNo, currency: 'CNY', amount: Money.parse('100.00'), reason: 'order' });

  const decide = (c: { customerNo: string; primary: string; auxiliary: string }, changeId = randomUUID()) =>
    db.dataSource.transaction((m) => primaryChanges.decide(m, { changeId, customerNo: c.customerNo, fundAccountNo: c.auxiliary, previousPrimaryFundAccountNo: c.primary }));

  async function roles(...fundAccountNos: string[]) {
    const rows: Array<{ fund_account_no: string; role: string }> = await db.dataSource.query(`SELECT fund_account_no, role FROM transfer.ledger_accounts WHERE fund_account_no = ANY($1)`, [fundAccountNos]);
    return fundAccountNos.map((no) => rows.find((r) => r.fund_account_no === no)?.role);
  }

  async function verdict(changeId: string) {
    const [row] = await db.dataSource.query(`SELECT envelope->'payload' AS payload FROM transfer.outbox WHERE topic = 'custody.internal.primary-change.resolved.1' AND envelope->'payload'->>'changeId' = $1`, [changeId]);
    return row?.payload as Record<string, unknown> | undefined;
  }

  const activeHolds = async (fundAccountNo: string) =>
    Number((await db.dataSource.query(`SELECT count(*) AS n FROM transfer.holds WHERE fund_account_no = $1 AND status = 'ACTIVE'`, [fundAccountNo]))[0].n);

  it('§13: a trading hold on an auxiliary fund account is refused AUXILIARY_HOLD_FORBIDDEN and nothing is held', async () => {
    const c = await customerAtTwoBanks();
    await expect(hold(c.auxiliary)).rejects.toMatchObject({ code: 'AUXILIARY_HOLD_FORBIDDEN' });
    expect(await activeHolds(c.auxiliary)).toBe(0);
    await expect(hold(c.primary)).resolves.toEqual(expect.any(String));
  });

  it('§13: with no trading hold on the old primary, both ledgers change role in the transaction that announces APPLIED', async () => {
    const c = await customerAtTwoBanks();
    const changeId = randomUUID();
    await decide(c, changeId);
    expect(await roles(c.primary, c.auxiliary)).toEqual(['AUXILIARY', 'PRIMARY']);
    expect(await verdict(changeId)).toEqual({ changeId, customerNo: c.customerNo, fundAccountNo: c.auxiliary, previousPrimaryFundAccountNo: c.primary, status: 'APPLIED' });
    await expect(hold(c.primary)).rejects.toMatchObject({ code: 'AUXILIARY_HOLD_FORBIDDEN' });
    await expect(hold(c.auxiliary)).resolves.toEqual(expect.any(String));
  });

  it('§13: an active trading hold on the old primary refuses the change, saying why; no role changes', async () => {
    const c = await customerAtTwoBanks();
    await hold(c.primary);
    const changeId = randomUUID();
    await decide(c, changeId);
    expect(await roles(c.primary, c.auxiliary)).toEqual(['PRIMARY', 'AUXILIARY']);
    expect(await verdict(changeId)).toMatchObject({ status: 'REFUSED', refusal: expect.stringContaining(`${c.primary} has unsettled trading: 1 active trading hold(s)`) });
  });

  it('§13: a change that arrives before a ledger it names fails to be retried, and changes nothing', async () => {
    const c = await customerAtTwoBanks();
    await expect(decide({ ...c, auxiliary: uniqueFundAccountNo() })).rejects.toThrow('arrived before the ledger');
    expect(await roles(c.primary)).toEqual(['PRIMARY']);
  });

  it('§13: a trading hold and a change of primary at the same moment never both pass: the hold is counted, or refused on the new auxiliary', async () => {
    for (let round = 0; round < 8; round++) {
      const c = await customerAtTwoBanks();
      const changeId = randomUUID();
      const [held] = await Promise.allSettled([hold(c.primary), decide(c, changeId)]);
      const outcome = {
        hold: held.status === 'fulfilled' ? 'HELD' : (held.reason as { code?: string }).code,
        change: (await verdict(changeId))?.status,
        roles: await roles(c.primary, c.auxiliary),
        activeHolds: await activeHolds(c.primary),
      };
      expect([
        { hold: 'HELD', change: 'REFUSED', roles: ['PRIMARY', 'AUXILIARY'], activeHolds: 1 },
        { hold: 'AUXILIARY_HOLD_FORBIDDEN', change: 'APPLIED', roles: ['AUXILIARY', 'PRIMARY'], activeHolds: 0 },
      ]).toContainEqual(outcome);
    }
  });
});
