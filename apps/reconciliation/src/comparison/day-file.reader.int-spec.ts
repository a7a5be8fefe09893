import { gunzipSync, gzipSync } from 'node:zlib';
import { resolve } from 'node:path';
import type { DayFileTypeName } from '@custody/contracts';
import { loadCustodyConfig } from '@custody/service-kit';
import { requireInfrastructure } from '@custody/testing';
import type { BrokerFileOwners } from '../broker-files/broker-file-owners';
import { busCodeOf, namedDayFile } from '../day-files/day-file-descriptor';
import { gzipOf, transferRecord } from '../testing/day-file-builders';
import { type ReconciliationTestbed, startReconciliationTestbed } from '../testing/reconciliation-testbed';

jest.setTimeout(60_000);

const BANK = '1051000';

/** A bank file that cannot be read is kept, refused for the comparison and replaced by a readable version. */
describe('reading a bank file into the comparison (real PostgreSQL)', () => {
  const config = loadCustodyConfig(resolve(__dirname, '../../../../config/custody.local.yaml'));
  let testbed: ReconciliationTestbed;

  beforeAll(async () => {
    await requireInfrastructure({ postgres: true });
    testbed = await startReconciliationTestbed('reconciliation_reader', config, {} as BrokerFileOwners);
  });

  afterAll(() => testbed?.close());

  async function bankSends(fileName: string, gz: Buffer): Promise<void> {
    const file = namedDayFile(fileName);
    const { stored } = await testbed.store.store({ bankCode: BANK, file, busCode: busCodeOf(file.type as DayFileTypeName), fileTime: '20261123190000' }, [gz]);
    await testbed.db.dataSource.transaction((m) => testbed.bankFiles.received(m, { bankCode: BANK, files: [stored.descriptor] }));
    await testbed.drainJobs();
  }

  const loads = (fileType: string, date: string) =>
    testbed.db.dataSource.query(`SELECT status, records::int, error FROM reconciliation.file_loads WHERE bank_code = $1 AND file_type = $2 AND business_date = $3 ORDER BY load_id`, [BANK, fileType, date]);

  it('bank-protocol.md §5: a line the codec refuses makes the version a FAILED load naming the line and field; the next readable version is read', async () => {
    const good = transferRecord({ initiator: 'B', bankSerialNo: 'B1' }, '2026-11-30');
    const goodGz = await gzipOf('CHK01', [good]);
    const line = gunzipSync(goodGz).toString('latin1');
    await bankSends('B_CHK01_20261130.gz', gzipSync(Buffer.from(line.replace(/\|0000000000010000\n$/, '|00000000000100x0\n'), 'latin1')));
    await bankSends('B_CHK01_20261130.gz', goodGz);
    expect(await loads('CHK01', '2026-11-30')).toEqual([
      { status: 'FAILED', records: 0, error: expect.stringMatching(/B_CHK01_20261130\.gz line 1: field 16 转账金额/) },
      { status: 'LOADED', records: 1, error: null },
    ]);
    const [{ n }] = await testbed.db.dataSource.query(`SELECT count(*)::int AS n FROM reconciliation.jobs WHERE status = 'PENDING'`);
    expect(n).toBe(0);
  });

  it('bank-protocol.md §1: a file that lists one serial twice is refused, its records not kept', async () => {
    const twice = transferRecord({ initiator: 'B', bankSerialNo: 'B7' }, '2026-12-01');
    await bankSends('B_CHK01_20261201.gz', await gzipOf('CHK01', [twice, twice]));
    expect(await loads('CHK01', '2026-12-01')).toEqual([{ status: 'FAILED', records: 0, error: expect.stringContaining('lists one record twice') }]);
    const [{ n }] = await testbed.db.dataSource.query(
      `SELECT count(*)::int AS n FROM reconciliation.check_records c JOIN reconciliation.file_loads l USING (load_id) WHERE l.business_date = '2026-12-01'`,
    );
    expect(n).toBe(0);
  });
});
