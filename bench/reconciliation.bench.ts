import { execFileSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { createReadStream, createWriteStream, mkdtempSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { type Chk01Record, type Chk04Record, type DayFileRecords, type DayFileType, type Dif04Record, writeDayFile } from '@custody/bank-protocol';
import { Money } from '@custody/money';
import { loadCustodyConfig } from '@custody/service-kit';
import { HttpBrokerFileOwners } from '../apps/reconciliation/src/broker-files/broker-file-owners';
import { busCodeOf, namedDayFile } from '../apps/reconciliation/src/day-files/day-file-descriptor';
import { accountFunctionRecord, relationshipRecord } from '../apps/reconciliation/src/testing/day-file-builders';
import { OwnerServer } from '../apps/reconciliation/src/testing/owner-server';
import { startReconciliationTestbed } from '../apps/reconciliation/src/testing/reconciliation-testbed';

/**
 * The reconciliation of one bank's day at full size (docs/benchmarks.md "Reconciliation"): both sides' CHK01 of
 * N transfers with a few breaks of each kind, fetched / stored / read / compared by the reconciliation service's
 * own code over a fresh database, then the BALANCE step's S_CHK04 of N fund ledgers and a B_DIF04. Prints each
 * phase's time and the peak RSS. The files are written first, by a child process, to disk: writing them is the
 * owners' and the bank's work, and their memory is not the reconciliation's.
 *
 *   npm run bench:reconciliation -- [--count 1000000]
 */
function arg(name: string, fallback: number): number {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? Number(process.argv[i + 1]) : fallback;
}

const BANK = '1021000';
const D = '2026-11-23';
const SURNAMES = ['张', '王', '李', '赵', '刘', '陈', '杨', '黄', '欧阳', '司马'];
const GIVEN = ['伟', '芳', '娜', '秀英', '敏', '静', '丽', '强', '磊', '洋', '艳', '勇', '军', '杰', '娟'];
const name = (i: number) => `${SURNAMES[i % SURNAMES.length]}${GIVEN[(i * 7) % GIVEN.length]}${GIVEN[(i * 11) % GIVEN.length]}`;

/** Transfer i of the day as the broker lists it: both initiators, all four functions. */
function transfer(i: number): Chk01Record {
  const byBank = i % 3 === 0;
  const serial = `${i}`.padStart(11, '0');
  return {
    bankInstId: BANK,
    brokerInstId: '10000001',
    branchId: '0001',
    tradeDate: D,
    tradeTime: `${String(9 + (i % 7)).padStart(2, '0')}:${String(i % 60).padStart(2, '0')}:${String((i * 7) % 60).padStart(2, '0')}`,
    clearingDate: D,
    bankSerialNo: byBank ? `B20261123${serial}` : null,
    brokerSerialNo: byBank ? null : `S20261123${serial}`,
    bankAccountNo: `6222${String(i % 500_000).padStart(12, '0')}`,
    fundAccountNo: String(100_000_000_000 + (i % 500_000)),
    customerName: name(i),
    initiator: byBank ? 'B' : 'S',
    functionCode: (['12001', '12002', '12003', '12004'] as const)[i % 4],
    currency: 'CNY',
    cashExFlag: null,
    amount: Money.fromDb(`${(i * 7919) % 100_000}.${String(1 + (i % 99)).padStart(2, '0')}`),
  };
}

/** The breaks planted, by transfer index: each kind a few times, spread over the day. */
function plan(count: number) {
  const at = (k: number) => Math.floor((count * k) / 13);
  return {
    brokerOnly: new Set([at(1), at(2), at(3)]),
    amountDiffers: new Set([at(4), at(5), at(6)]),
    accountDiffers: new Set([at(7), at(8)]),
    /** Broker-initiated transfers the broker holds UNKNOWN: the bank lists the first two, not the third. */
    unknown: [at(9), at(10), at(11)].map((i) => (i % 3 === 0 ? i + 1 : i)),
    bankOnly: [count, count + 3, count + 6],
  };
}

async function* brokerSide(count: number, planted: ReturnType<typeof plan>): AsyncGenerator<Chk01Record> {
  const unknown = new Set(planted.unknown);
  for (let i = 0; i < count; i += 1) if (!unknown.has(i)) yield transfer(i);
}

async function* bankSide(count: number, planted: ReturnType<typeof plan>): AsyncGenerator<Chk01Record> {
  const listedUnknown = new Set(planted.unknown.slice(0, 2));
  for (let i = 0; i < count; i += 1) {
    if (planted.brokerOnly.has(i)) continue;
    if (planted.unknown.includes(i) && !listedUnknown.has(i)) continue;
    const record = transfer(i);
    if (planted.amountDiffers.has(i)) yield { ...record, amount: record.amount.plus(Money.parse('1.00')) };
    else if (planted.accountDiffers.has(i)) yield { ...record, bankAccountNo: '6222999999999999' };
    else yield { ...record, bankSerialNo: record.bankSerialNo ?? `7${String(i).padStart(12, '0')}` };
  }
  for (const i of planted.bankOnly) yield transfer(i);
}

async function* balances(count: number): AsyncGenerator<Chk04Record> {
  for (let i = 0; i < count; i += 1) {
    yield { bankInstId: BANK, brokerInstId: '10000001', branchId: '0001', tradeDate: D, fundAccountNo: String(100_000_000_000 + i), customerName: name(i), currency: 'CNY', cashExFlag: null, amount: Money.fromDb(`${(i * 31) % 1_000_000}.${String(i % 100).padStart(2, '0')}`) };
  }
}

async function gzip<T extends DayFileType>(type: T, records: AsyncIterable<DayFileRecords[T]> | Iterable<DayFileRecords[T]>): Promise<Buffer> {
  const parts: Buffer[] = [];
  for await (const part of writeDayFile(type, records)) parts.push(part as Buffer);
  return Buffer.concat(parts);
}

const FILES = { brokerTransfers: 'S_CHK01_20261123.gz', bankTransfers: 'B_CHK01_20261123.gz', balances: 'S_CHK04_20261123.gz' } as const;

/** The child's work: the three large files, written with the codec to `dir`. */
async function generate(dir: string, count: number): Promise<void> {
  const planted = plan(count);
  const write = async <T extends DayFileType>(label: string, type: T, records: AsyncIterable<DayFileRecords[T]>, name: string) => {
    const started = process.hrtime.bigint();
    await pipeline(writeDayFile(type, records), createWriteStream(join(dir, name)));
    console.log(`${label.padEnd(64)} ${seconds(started).toFixed(2).padStart(7)} s`);
  };
  await write(`write S_CHK01 (${count} records: the transfer service's work)`, 'CHK01', brokerSide(count, planted), FILES.brokerTransfers);
  await write(`write B_CHK01 (the bank's work)`, 'CHK01', bankSide(count, planted), FILES.bankTransfers);
  await write(`write S_CHK04 (${count} fund ledgers: the transfer service's work)`, 'CHK04', balances(count), FILES.balances);
}

const seconds = (since: bigint) => Number(process.hrtime.bigint() - since) / 1e9;
const mb = (bytes: number) => (bytes / 1024 / 1024).toFixed(1);

async function main(): Promise<void> {
  const count = arg('count', 1_000_000);
  const into = process.argv.indexOf('--generate-into');
  if (into > 0) return generate(process.argv[into + 1], count);
  const planted = plan(count);
  const dir = mkdtempSync(join(tmpdir(), 'reconciliation-bench-'));
  console.log(`reconciliation of one bank's day: ${count} transfers a side, 1 bank, fresh database\n`);
  execFileSync(process.execPath, [resolve(__dirname, '../tools/run-ts.js'), __filename, '--generate-into', dir, '--count', String(count)], { stdio: 'inherit' });
  let peakRss = process.memoryUsage().rss;
  const sampler = setInterval(() => (peakRss = Math.max(peakRss, process.memoryUsage().rss)), 50);
  const config = loadCustodyConfig(resolve(__dirname, '../config/custody.local.yaml'));
  const owners = new OwnerServer();
  const url = await owners.start();
  const testbed = await startReconciliationTestbed('reconciliation_bench', config, new HttpBrokerFileOwners({ transfer: url, account: url }, () => 'bench-token'));
  const timings: Array<[string, number, number]> = [];
  const phase = async <T>(label: string, work: () => Promise<T>): Promise<T> => {
    const started = process.hrtime.bigint();
    const cpu = process.cpuUsage();
    const result = await work();
    const used = process.cpuUsage(cpu);
    const cpuSeconds = (used.user + used.system) / 1e6;
    timings.push([label, seconds(started), cpuSeconds]);
    console.log(`${label.padEnd(64)} ${seconds(started).toFixed(2).padStart(7)} s (${cpuSeconds.toFixed(2)} s CPU here)   RSS ${mb(process.memoryUsage().rss)} MB`);
    return result;
  };
  try {
    const rssBefore = process.memoryUsage().rss;
    owners.serveFile(BANK, D, 'CHK01', join(dir, FILES.brokerTransfers));
    owners.serveFile(BANK, D, 'CHK02', await gzip('CHK02', [relationshipRecord()]));
    owners.serveFile(BANK, D, 'CHK03', await gzip('CHK03', [accountFunctionRecord({ initiator: 'S' })]));
    owners.unknowns = planted.unknown.map((i) => ({ transferId: randomUUID(), record: transfer(i) }));

    await phase('DETAIL step: fetch S_CHK01–03 over HTTP, store, read, 13010 figures', async () => {
      await testbed.db.dataSource.transaction((m) => testbed.brokerFiles.requested(m, { bankCode: BANK, businessDate: D, step: 'DETAIL' }));
      await testbed.drainJobs();
    });
    const bankFile = async <T extends DayFileType>(type: T, gz: Buffer | string) => {
      const bytes = typeof gz === 'string' ? createReadStream(gz) : [gz];
      const { stored } = await testbed.store.store({ bankCode: BANK, file: namedDayFile(`B_${type}_20261123.gz`), busCode: busCodeOf(type), fileTime: '20261123190000' }, bytes);
      await testbed.db.dataSource.transaction((m) => testbed.bankFiles.received(m, { bankCode: BANK, files: [stored.descriptor] }));
    };
    await phase('bank files: store B_CHK01–03 (the adapter’s PUT)', async () => {
      await bankFile('CHK01', join(dir, FILES.bankTransfers));
      await bankFile('CHK02', await gzip('CHK02', [relationshipRecord()]));
      await bankFile('CHK03', await gzip('CHK03', [accountFunctionRecord({ initiator: 'S' })]));
    });
    await phase('read B_CHK01–03 and compare both sides (F-6.2)', () => testbed.drainJobs());
    const view = await testbed.view.reconciliation(D, { bankCode: BANK });
    const kinds = view.breaks.map((b) => `${b.reason}/${b.proposedAdjustment?.kind}`);
    console.log(`  → matched ${view.banks[0].matched}, ${view.breaks.length} breaks: ${[...new Set(kinds)].map((k) => `${kinds.filter((x) => x === k).length} ${k}`).join(', ')}`);

    owners.serveFile(BANK, D, 'CHK04', join(dir, FILES.balances));
    await phase('BALANCE step: fetch S_CHK04 over HTTP and store it', async () => {
      await testbed.db.dataSource.transaction((m) => testbed.brokerFiles.requested(m, { bankCode: BANK, businessDate: D, step: 'BALANCE' }));
      await testbed.drainJobs();
    });
    const dif04: Dif04Record[] = [1, 2, 3].map((i) => ({ bankInstId: BANK, brokerInstId: '10000001', branchId: '0001', date: D, currency: 'CNY', cashExFlag: null, fundAccountNo: String(100_000_000_000 + i * 1000), customerName: name(i), brokerAmount: Money.parse('10.00'), bankAmount: Money.parse('9.00'), remark: '余额不符' }));
    await phase('read B_DIF04 into CHK04 breaks', async () => {
      await bankFile('DIF04', await gzip('DIF04', dif04));
      await testbed.drainJobs();
    });
    clearInterval(sampler);
    const total = timings.reduce((sum, [, s]) => sum + s, 0);
    const cpu = timings.reduce((sum, [, , c]) => sum + c, 0);
    console.log(`\nthe reconciliation of the day: ${total.toFixed(2)} s, ${cpu.toFixed(2)} s CPU in this process (PostgreSQL's is its own); load average ${loadavg().map((l) => l.toFixed(1)).join(' ')}`);
    console.log(`peak RSS: ${mb(Math.max(peakRss, process.resourceUsage().maxRSS * 1024))} MB (${mb(rssBefore)} MB before: Node, the TypeScript loader, Nest)`);
  } finally {
    clearInterval(sampler);
    await testbed.close();
    await owners.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

main().catch((error) => {
  console.error(error);
  process.exitCode = 1;
});
