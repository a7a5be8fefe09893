import { randomUUID } from 'node:crypto';
import { resolve } from 'node:path';
import { Money } from '@custody/money';
import { loadCustodyConfig } from '@custody/service-kit';
import { requireInfrastructure } from '@custody/testing';
import { bankRequestFor, startTransferTestbed, type TestAccount, type TransferTestbed } from '../testing/transfer-testbed';

/** The transfer service's metrics against the real PostgreSQL: what is counted, when, and what the UNKNOWN gauges read. */
describe('transfer metrics (real PostgreSQL)', () => {
  const BANK = '1021000';
  const config = loadCustodyConfig(resolve(__dirname, '../../../../config/custody.local.yaml'));
  let testbed: TransferTestbed;

  beforeAll(async () => {
    await requireInfrastructure({ postgres: true });
    testbed = await startTransferTestbed('transfer_metrics', config);
  });

  afterAll(() => testbed?.db.drop());

  /**
   * A metric's samples (a histogram's: those of its `series`, e.g. `_count`), keyed by their labels as `k=v,…` (sorted),
   * read as a scrape reads them (collect runs).
   */
  async function samples(name: string, series = name): Promise<Map<string, number>> {
    const metric = testbed.metrics.getSingleMetric(name);
    if (!metric) throw new Error(`${name} is not registered`);
    const { values } = await metric.get();
    // A histogram's values name their series (`_bucket`, `_sum`, `_count`); a counter's or gauge's do not.
    const seriesOf = (sample: { value: number; metricName?: string }) => sample.metricName ?? name;
    return new Map(values.filter((v) => seriesOf(v) === series).map((v) => [Object.entries(v.labels).sort(([a], [b]) => a.localeCompare(b)).map(([k, l]) => `${k}=${l}`).join(','), v.value]));
  }

  const s2b = (outcome: string) => `bank=${BANK},initiator=SECURITIES,outcome=${outcome},type=SECURITIES_TO_BANK`;

  async function fundedAccount(): Promise<TestAccount> {
    const account = await testbed.designatedAccount(BANK);
    await testbed.db.dataSource.transaction((m) => testbed.inbound.handle(m, bankRequestFor(BANK, account, { amount: '1000.00' })));
    return account;
  }

  const withdraw = (account: TestAccount) =>
    testbed.transfers.request({ requestId: randomUUID(), type: 'SECURITIES_TO_BANK', fundAccountNo: account.fundAccountNo, currency: 'CNY', amount: Money.parse('10.00') });

  const verdict = (transferId: string, status: 'SUCCEEDED' | 'UNKNOWN') =>
    testbed.db.dataSource.transaction((m) => testbed.transfers.applyOutcome(m, { transferId, status, attempt: status === 'UNKNOWN' ? 'sent, no reply' : undefined }));

  it('an outcome is counted once per transfer: UNKNOWN when it becomes so, then its final outcome with one duration; redelivered verdicts count nothing', async () => {
    const account = await fundedAccount();
    const before = await samples('custody_transfers_total');
    const transferId = await withdraw(account);
    await verdict(transferId, 'UNKNOWN');
    await verdict(transferId, 'UNKNOWN');
    await verdict(transferId, 'SUCCEEDED');
    await verdict(transferId, 'SUCCEEDED');

    const after = await samples('custody_transfers_total');
    expect((after.get(s2b('UNKNOWN')) ?? 0) - (before.get(s2b('UNKNOWN')) ?? 0)).toBe(1);
    expect((after.get(s2b('SUCCEEDED')) ?? 0) - (before.get(s2b('SUCCEEDED')) ?? 0)).toBe(1);
    const durations = await samples('custody_transfer_duration_seconds', 'custody_transfer_duration_seconds_count');
    expect(durations.get(s2b('SUCCEEDED'))).toBe(after.get(s2b('SUCCEEDED')));
    expect(durations.get(s2b('UNKNOWN'))).toBeUndefined();
  });

  it('a verdict whose transaction rolls back is not counted: the redelivery that commits is the one counted', async () => {
    const account = await fundedAccount();
    const transferId = await withdraw(account);
    const before = (await samples('custody_transfers_total')).get(s2b('SUCCEEDED')) ?? 0;
    await expect(
      testbed.db.dataSource.transaction(async (m) => {
        await testbed.transfers.applyOutcome(m, { transferId, status: 'SUCCEEDED' });
        throw new Error('the batch failed after this verdict');
      }),
    ).rejects.toThrow('the batch failed');
    expect((await samples('custody_transfers_total')).get(s2b('SUCCEEDED')) ?? 0).toBe(before);
    await verdict(transferId, 'SUCCEEDED');
    expect((await samples('custody_transfers_total')).get(s2b('SUCCEEDED'))).toBe(before + 1);
  });

  it("a bank's deposit counts under initiator BANK once; its repeat under the same serial counts nothing", async () => {
    const account = await testbed.designatedAccount(BANK);
    const key = `bank=${BANK},initiator=BANK,outcome=SUCCEEDED,type=BANK_TO_SECURITIES`;
    const before = (await samples('custody_transfers_total')).get(key) ?? 0;
    const request = bankRequestFor(BANK, account, { amount: '5.00' });
    await testbed.db.dataSource.transaction((m) => testbed.inbound.handle(m, request));
    await testbed.db.dataSource.transaction((m) => testbed.inbound.handle(m, { ...request, inboundId: randomUUID() }));
    expect((await samples('custody_transfers_total')).get(key)).toBe(before + 1);
  });

  it('the UNKNOWN gauges read the transfers UNKNOWN now, per configured bank, 0 for a bank with none', async () => {
    const account = await fundedAccount();
    const transferId = await withdraw(account);
    await verdict(transferId, 'UNKNOWN');
    await testbed.db.dataSource.query(`UPDATE transfer.transfers SET unknown_since = now() - interval '90 seconds' WHERE transfer_id = $1`, [transferId]);

    const unknown = await samples('custody_transfers_unknown');
    expect(unknown.get(`bank=${BANK}`)).toBe(1);
    for (const bank of config.banks.filter((b) => b.code !== BANK)) expect(unknown.get(`bank=${bank.code}`)).toBe(0);
    expect((await samples('custody_transfers_unknown_oldest_age_seconds')).get(`bank=${BANK}`)).toBeGreaterThanOrEqual(90);

    await verdict(transferId, 'SUCCEEDED');
    expect((await samples('custody_transfers_unknown')).get(`bank=${BANK}`)).toBe(0);
    expect((await samples('custody_transfers_unknown_oldest_age_seconds')).get(`bank=${BANK}`)).toBe(0);
  });
});
