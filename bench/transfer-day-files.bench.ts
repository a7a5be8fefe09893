import { resolve } from 'node:path';
import { Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { type DayFileRecord, type DayFileType, writeDayFile } from '@custody/bank-protocol';
import { Clock, loadCustodyConfig, serviceMigrations } from '@custody/service-kit';
import { createTestDatabase } from '@custody/testing';
import { BankDayProjection } from '../apps/transfer/src/day/bank-day.projection';
import { DayFilesRepository } from '../apps/transfer/src/day-files/day-files.repository';
import { DayFilesService } from '../apps/transfer/src/day-files/day-files.service';
import { TRANSFER_SCHEMA } from '../apps/transfer/src/transfer.schema';

/**
 * The transfer service's S_CHK01 and S_CHK04 of a day with N transfers over N fund ledgers, streamed from the
 * real PostgreSQL through the day-file codec into nothing, as its internal endpoints send them: time and peak RSS
 * (bank-protocol.md §5: a day of a million transfers must not need a million rows in memory). It fills a
 * database of its own with SQL and drops it afterwards.
 *
 *   node tools/run-ts.js bench/transfer-day-files.bench.ts [--count 1000000]
 */
function arg(name: string, fallback: number): number {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? Number(process.argv[i + 1]) : fallback;
}

const megabytes = (bytes: number) => (bytes / 1024 / 1024).toFixed(1);
const BANK = '1021000';
const D = '2026-12-04';

async function main(): Promise<void> {
  const count = arg('count', 1_000_000);
  const config = loadCustodyConfig(resolve(__dirname, '../config/custody.local.yaml'));
  const db = await createTestDatabase({
    name: 'bench_day_files',
    schema: TRANSFER_SCHEMA.schema,
    entities: TRANSFER_SCHEMA.entities,
    migrations: serviceMigrations(TRANSFER_SCHEMA.schema, Buffer.alloc(32, 1), TRANSFER_SCHEMA.migrations),
  });
  try {
    const filled = process.hrtime.bigint();
    // One ledger per transfer; every transfer SUCCEEDED with its posting (customer and summary lines), as the service books them.
    await db.dataSource.query(
      `INSERT INTO transfer.ledger_accounts (fund_account_no, currency, customer_no, role, balance, bank_code, bank_account_no, custody_status, customer_name, branch_id)
       SELECT (100000000000 + g)::text, 'CNY', 'C' || g, 'PRIMARY', 100 + g % 1000, $1, '6222' || lpad(g::text, 12, '0'), 'DESIGNATED', '客户' || g, '0001'
         FROM generate_series(1, $2::int) g`,
      [BANK, count],
    );
    await db.dataSource.query(
      `INSERT INTO transfer.transfers (transfer_id, type, initiator, serial_no, our_serial_no, bank_serial_no, bank_code, bank_account_no, fund_account_no, currency, amount, status, business_date)
       SELECT md5(g::text)::uuid, CASE WHEN g % 2 = 0 THEN 'BANK_TO_SECURITIES' ELSE 'SECURITIES_TO_BANK' END, CASE WHEN g % 3 = 0 THEN 'B' ELSE 'S' END,
              'X' || g, 'S' || g, 'K' || g, $1, '6222' || lpad(g::text, 12, '0'), (100000000000 + g)::text, 'CNY', 1 + g % 1000, 'SUCCEEDED', $2::date
         FROM generate_series(1, $3::int) g`,
      [BANK, D, count],
    );
    await db.dataSource.query(
      `INSERT INTO transfer.journal_lines (posting_id, account, fund_account_no, currency, amount, source, source_id, business_date)
       SELECT md5(t.transfer_id::text)::uuid, l.account, l.fund_account_no, 'CNY', l.amount, 'TRANSFER', t.transfer_id::text, t.business_date
         FROM transfer.transfers t,
              LATERAL (VALUES ('CUSTOMER:' || t.fund_account_no, t.fund_account_no, CASE t.type WHEN 'BANK_TO_SECURITIES' THEN t.amount ELSE -t.amount END),
                              ('SUMMARY:' || t.bank_code, NULL, CASE t.type WHEN 'BANK_TO_SECURITIES' THEN -t.amount ELSE t.amount END)) AS l(account, fund_account_no, amount)`,
    );
    await db.dataSource.query(`ANALYZE`);
    await db.dataSource.query(`INSERT INTO transfer.bank_day_snapshots (bank_code, business_date, unsettled_transfer_ids) VALUES ($1, $2, '{}')`, [BANK, D]);
    console.log(`filled ${count} ledgers, transfers and postings in ${(Number(process.hrtime.bigint() - filled) / 1e9).toFixed(1)} s`);

    const files = new DayFilesService(db.dataSource, new DayFilesRepository(), new BankDayProjection(), config, new Clock());
    await measure('CHK01', count, () => files.chk01(BANK, D));
    await measure('CHK04', count, () => files.chk04(BANK, D));
  } finally {
    await db.drop();
  }
}

async function measure<T extends DayFileType>(type: T, expected: number, open: () => Promise<AsyncIterable<DayFileRecord<T>>>): Promise<void> {
  const rssBefore = process.memoryUsage().rss;
  let peakRss = rssBefore;
  const sampler = setInterval(() => (peakRss = Math.max(peakRss, process.memoryUsage().rss)), 50);
  let records = 0;
  const started = process.hrtime.bigint();
  try {
    async function* counted(): AsyncGenerator<DayFileRecord<T>> {
      for await (const record of await open()) {
        records += 1;
        yield record;
      }
    }
    const file = writeDayFile(type, counted());
    await pipeline(file, new Writable({ write: (_chunk, _encoding, done) => done() }));
    const { fileLen } = await file.digest;
    const seconds = Number(process.hrtime.bigint() - started) / 1e9;
    if (records !== expected) throw new Error(`${type}: ${records} records, ${expected} expected`);
    console.log(`S_${type}: ${records} records, ${megabytes(fileLen)} MB gzip in ${seconds.toFixed(1)} s (${Math.round(records / seconds)} records/s); peak RSS ${megabytes(peakRss)} MB (${megabytes(rssBefore)} MB before)`);
  } finally {
    clearInterval(sampler);
  }
}

main().catch((error) => {
  console.error(error);
  process.exitCode = 1;
});
