import { createReadStream, createWriteStream, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { Money } from '@custody/money';
import { type Chk01Record, DAY_FILE_FIELDS, dayFileName, readDayFile, writeDayFile } from '@custody/bank-protocol';

/**
 * Writes a CHK01 of N transfers to disk and reads it back, streaming both ways, and prints time, size and
 * peak RSS (bank-protocol.md §5: a day of a million transfers must not need a million records in memory).
 *
 *   node tools/run-ts.js bench/day-files.bench.ts [--count 1000000]
 */
function arg(name: string, fallback: number): number {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? Number(process.argv[i + 1]) : fallback;
}

const SURNAMES = ['张', '王', '李', '赵', '刘', '陈', '杨', '黄', '欧阳', '司马'];
const GIVEN = ['伟', '芳', '娜', '秀英', '敏', '静', '丽', '强', '磊', '洋', '艳', '勇', '军', '杰', '娟'];

/** Transfers as a broker's snapshot lists them: both initiators, all four functions, varied names and amounts. */
function* transfers(count: number): Generator<Chk01Record> {
  for (let i = 0; i < count; i += 1) {
    const byBank = i % 3 === 0;
    const serial = `20261121${String(i).padStart(12, '0')}`;
    yield {
      bankInstId: '1021000',
      brokerInstId: '10270000',
      branchId: '0001',
      tradeDate: '2026-11-21',
      tradeTime: `${String(9 + (i % 7)).padStart(2, '0')}:${String(i % 60).padStart(2, '0')}:${String((i * 7) % 60).padStart(2, '0')}`,
      clearingDate: '2026-11-21',
      bankSerialNo: byBank ? `B${serial}`.slice(0, 20) : null,
      brokerSerialNo: byBank ? null : serial,
      bankAccountNo: `6222${String(i % 500_000).padStart(12, '0')}`,
      fundAccountNo: String(100_000_000_000 + (i % 500_000)),
      customerName: `${SURNAMES[i % SURNAMES.length]}${GIVEN[(i * 7) % GIVEN.length]}${GIVEN[(i * 11) % GIVEN.length]}`,
      initiator: byBank ? 'B' : 'S',
      functionCode: (['12001', '12002', '12003', '12004'] as const)[i % 4],
      currency: 'CNY',
      cashExFlag: null,
      amount: Money.fromDb(`${(i * 7919) % 100_000}.${String(1 + (i % 99)).padStart(2, '0')}`),
    };
  }
}

function cpuSeconds(usage: NodeJS.CpuUsage): number {
  return (usage.user + usage.system) / 1e6;
}

function megabytes(bytes: number): string {
  return (bytes / 1024 / 1024).toFixed(1);
}

async function main(): Promise<void> {
  const count = arg('count', 1_000_000);
  const dir = mkdtempSync(join(tmpdir(), 'day-files-bench-'));
  const path = join(dir, dayFileName('S', 'CHK01', '2026-11-21'));
  let peakRss = process.memoryUsage().rss;
  const sampler = setInterval(() => (peakRss = Math.max(peakRss, process.memoryUsage().rss)), 50);
  try {
    const rssBefore = process.memoryUsage().rss;
    const writeStarted = process.hrtime.bigint();
    const writeCpu = process.cpuUsage();
    const file = writeDayFile('CHK01', transfers(count));
    await pipeline(file, createWriteStream(path));
    const written = await file.digest;
    const writeSeconds = Number(process.hrtime.bigint() - writeStarted) / 1e9;
    const writeCpuSeconds = cpuSeconds(process.cpuUsage(writeCpu));

    const readStarted = process.hrtime.bigint();
    const readCpu = process.cpuUsage();
    const reading = readDayFile('CHK01', createReadStream(path), { fileName: path });
    let records = 0;
    let total = Money.zero();
    for await (const record of reading) {
      records += 1;
      total = total.plus(record.amount);
    }
    const read = await reading.digest;
    const readSeconds = Number(process.hrtime.bigint() - readStarted) / 1e9;
    const readCpuSeconds = cpuSeconds(process.cpuUsage(readCpu));
    clearInterval(sampler);

    if (records !== count) throw new Error(`read ${records} records, wrote ${count}`);
    if (read.fileMac !== written.fileMac || read.fileLen !== statSync(path).size) throw new Error('the digest read differs from the one written');
    const lineBytes = DAY_FILE_FIELDS.CHK01.reduce((sum, field) => sum + field.width + 1, 0);
    console.log(`CHK01, ${count} records: ${megabytes(count * lineBytes)} MB of text, ${megabytes(written.fileLen)} MB gzip`);
    console.log(`write (records → gzip → disk, with FileMac): ${writeSeconds.toFixed(2)} s, ${writeCpuSeconds.toFixed(2)} s CPU (${Math.round(count / writeSeconds)} records/s)`);
    console.log(`read  (disk → gunzip → records, with FileMac): ${readSeconds.toFixed(2)} s, ${readCpuSeconds.toFixed(2)} s CPU (${Math.round(count / readSeconds)} records/s)`);
    console.log(`sum of amounts read: ${total.toString()}; FileMac ${written.fileMac.slice(0, 16)}…`);
    console.log(`peak RSS: ${megabytes(Math.max(peakRss, process.resourceUsage().maxRSS * 1024))} MB (${megabytes(rssBefore)} MB before writing: Node and the TypeScript loader)`);
  } finally {
    clearInterval(sampler);
    rmSync(dir, { recursive: true, force: true });
  }
}

main().catch((error) => {
  console.error(error);
  process.exitCode = 1;
});
