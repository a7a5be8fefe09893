import { resolve } from 'node:path';
import { Money } from '@custody/money';
import { loadCustodyConfig } from '@custody/service-kit';
import { requireInfrastructure } from '@custody/testing';
import { Client } from 'pg';
import { accountFunctionRecord, gzipOf, relationshipRecord, transferRecord } from '../testing/day-file-builders';
import { OwnerServer } from '../testing/owner-server';
import { type ReconciliationTestbed, startReconciliationTestbed } from '../testing/reconciliation-testbed';
import { HttpBrokerFileOwners } from './broker-file-owners';

jest.setTimeout(60_000);

const BANK = '1021000';

/**
 * The broker-files worker (docs/design.md "Reconciliation") against a real local HTTP server standing in
 * for the transfer and account services, serving gzip streams made with the codec, and the real PostgreSQL.
 */
describe('broker files: fetched from their owners by a persisted job that waits, retries and resumes (real PostgreSQL and HTTP)', () => {
  const config = loadCustodyConfig(resolve(__dirname, '../../../../config/custody.local.yaml'));
  const owners = new OwnerServer();
  let testbed: ReconciliationTestbed;

  beforeAll(async () => {
    await requireInfrastructure({ postgres: true });
    const url = await owners.start();
    testbed = await startReconciliationTestbed('reconciliation_broker_files', config, new HttpBrokerFileOwners({ transfer: url, account: url }, () => 'test-token'));
  });

  afterAll(async () => {
    await testbed?.close();
    await owners.stop();
  });

  async function ownersWrite(businessDate: string): Promise<void> {
    owners.serveFile(BANK, businessDate, 'CHK01', await gzipOf('CHK01', [transferRecord({ initiator: 'S', brokerSerialNo: 'S1', amount: Money.parse('12.34') }, businessDate)]));
    owners.serveFile(BANK, businessDate, 'CHK02', await gzipOf('CHK02', [relationshipRecord({}, businessDate)]));
    owners.serveFile(BANK, businessDate, 'CHK03', await gzipOf('CHK03', [accountFunctionRecord({ initiator: 'S' }, businessDate)]));
  }

  const ask = (businessDate: string, step: 'DETAIL' | 'BALANCE' = 'DETAIL') =>
    testbed.db.dataSource.transaction((m) => testbed.brokerFiles.requested(m, { bankCode: BANK, businessDate, step }));

  async function job(businessDate: string): Promise<{ status: string; attempts: number; last_error: string | null; wait_ms: number }> {
    const [row] = await testbed.db.dataSource.query(
      `SELECT status, attempts, last_error, extract(epoch FROM next_attempt_at - now()) * 1000 AS wait_ms FROM reconciliation.jobs WHERE kind = 'BROKER_FILES' AND business_date = $1`,
      [businessDate],
    );
    return { ...row, wait_ms: Number(row.wait_ms) };
  }

  /** The backoff's wait, without waiting for it in a test. */
  const dueNow = () => testbed.db.dataSource.query(`UPDATE reconciliation.jobs SET next_attempt_at = now() WHERE status = 'PENDING'`);
  const readyFor = async (businessDate: string) => (await testbed.outboxPayloads<{ businessDate: string; step: string }>('reconciliation.broker-files-ready')).filter((r) => r.businessDate === businessDate);

  it('design: an owner answering 409 SNAPSHOT_NOT_SETTLED is asked again with backoff (1 s, then 2 s) until its books settle; the answer comes once', async () => {
    const D = '2026-11-24';
    await ownersWrite(D);
    const unknownTransfers = `/internal/v1/banks/${BANK}/days/${D}/unknown-transfers`;
    owners.notSettled.set(unknownTransfers, 2);
    await ask(D);

    await testbed.drainJobs();
    const first = await job(D);
    expect(first).toMatchObject({ status: 'PENDING', attempts: 1 });
    expect(first.last_error).toContain('409 SNAPSHOT_NOT_SETTLED');
    expect(first.wait_ms).toBeGreaterThan(500);
    expect(first.wait_ms).toBeLessThanOrEqual(1000);

    await dueNow();
    await testbed.drainJobs();
    const second = await job(D);
    expect(second).toMatchObject({ status: 'PENDING', attempts: 2 });
    expect(second.wait_ms).toBeGreaterThan(1500);
    expect(await readyFor(D)).toEqual([]);

    await dueNow();
    await testbed.drainJobs();
    expect(await job(D)).toMatchObject({ status: 'DONE', last_error: null });
    expect(owners.count(unknownTransfers)).toBe(3);
    expect(await readyFor(D)).toEqual([expect.objectContaining({ step: 'DETAIL', summary: { depositCount: 1, depositAmount: '12.34', withdrawalCount: 0, withdrawalAmount: '0.00' } })]);
  });

  it('design: a job that stops half-way (the owner’s stream cut in CHK01) resumes after the files it finished: CHK02 and CHK03 are not fetched again', async () => {
    const D = '2026-11-25';
    await ownersWrite(D);
    owners.cutOnce.add(owners.fileUrl(BANK, D, 'CHK01'));
    await ask(D);

    await testbed.drainJobs();
    expect(await job(D)).toMatchObject({ status: 'PENDING', attempts: 1 });
    expect(await testbed.store.current(BANK, 'S_CHK02_20261125.gz')).not.toBeNull();
    expect(await testbed.store.current(BANK, 'S_CHK01_20261125.gz')).toBeNull();

    await dueNow();
    await testbed.drainJobs();
    expect(await job(D)).toMatchObject({ status: 'DONE' });
    expect([owners.count(`${D}/files/CHK02`), owners.count(`${D}/files/CHK03`), owners.count(`${D}/files/CHK01`)]).toEqual([1, 1, 2]);
    expect(await readyFor(D)).toHaveLength(1);
    expect((await readyFor(D))[0]).toMatchObject({ files: [{ fileName: 'S_CHK02_20261125.gz' }, { fileName: 'S_CHK03_20261125.gz' }, { fileName: 'S_CHK01_20261125.gz', busCode: '0001' }] });
  });

  it('design: a job held by a process that died is taken at once by another (the session lock goes with the dead connection)', async () => {
    const D = '2026-11-26';
    await ownersWrite(D);
    await ask(D);
    const [{ job_id }] = await testbed.db.dataSource.query(`SELECT job_id FROM reconciliation.jobs WHERE kind = 'BROKER_FILES' AND business_date = $1`, [D]);
    const crashed = new Client({ connectionString: testbed.db.databaseUrl });
    crashed.on('error', () => undefined);
    await crashed.connect();
    await crashed.query(`SELECT pg_advisory_lock(hashtextextended($1, 0))`, [`reconciliation.job|${job_id}`]);

    expect(await testbed.worker.runDue()).toBe(0);
    expect(await job(D)).toMatchObject({ status: 'PENDING', attempts: 0 });

    // The holder dies: PostgreSQL ends its session and its locks with it.
    await testbed.db.dataSource.query(`SELECT pg_terminate_backend($1)`, [(crashed as unknown as { processID: number }).processID]);
    await crashed.end().catch(() => undefined);
    await testbed.drainJobs();
    expect(await job(D)).toMatchObject({ status: 'DONE' });
  });

  it('step 7: the BALANCE step fetches S_CHK04 from the transfer service and answers with it alone, without figures', async () => {
    const D = '2026-11-27';
    owners.serveFile(BANK, D, 'CHK04', await gzipOf('CHK04', [{ bankInstId: BANK, brokerInstId: '10000001', branchId: '0001', tradeDate: D, fundAccountNo: '100000000001', customerName: '张三', currency: 'CNY', cashExFlag: null, amount: Money.parse('700.00') }]));
    await ask(D, 'BALANCE');
    await testbed.drainJobs();
    const [ready] = await readyFor(D);
    expect(ready).toEqual({ bankCode: BANK, businessDate: D, step: 'BALANCE', files: [expect.objectContaining({ fileName: 'S_CHK04_20261127.gz', type: 'CHK04', busCode: '0005', side: 'S' })] });
  });
});
