import { Injectable, Logger } from '@nestjs/common';
import { decodeDayFileLine, type DayFileRecords } from '@custody/bank-protocol';
import { DataSource, type EntityManager } from 'typeorm';
import { BreakBook } from '../breaks/break-book';
import type { SnapshotUnknown } from '../breaks/break-proposal';
import { DayFileStore } from '../day-files/day-file.store';
import { JobRepository, type Job } from '../jobs/job.repository';
import { CHECK_COLUMNS, DETAIL_FILES, type DetailFile } from './check-columns';
import { DayProgress, lockDay } from './day-progress';
import { DifAgreement } from './dif-agreement';
import { type FileLoad, FileLoadsRepository, pick } from './file-loads.repository';
import { judgeRecord, judgeUnlistedUnknown, type DayOf, type Judged } from './judge-break';
import { pickLines } from './line-picker';
import { SnapshotUnknownsRepository } from './snapshot-unknowns.repository';

/** Candidates read, judged and recorded per round: bounds memory however many records break. */
const PAGE = 500;
/** PostgreSQL's memory for the join of one file's two sides (~60 bytes a key). */
const COMPARE_WORK_MEM = '128MB';

interface Side {
  readonly load: FileLoad;
  /** `s_line` / `b_line`, `s_bytes` / `b_bytes` of the candidates table. */
  readonly column: 's' | 'b';
}

/**
 * F-6.2 for one bank's day: both sides' CHK01–03, read into `check_records` as each arrived, are matched by
 * PostgreSQL (a full join on the match key per file: a million records a side never sit in this process), and
 * only the records that do not match on every compared field come back here. Those few lines are read again
 * from the kept files, judged by the codec's own rules (`differingFields`), recorded as breaks with their
 * proposed adjustments (`adjustment.proposed`), and the saga is told (`breaks-changed` DETAIL). One
 * transaction, under the day's lock, once per day: a crash leaves nothing half-done, and the job runs again.
 */
@Injectable()
export class ComparisonService {
  private readonly logger = new Logger(ComparisonService.name);

  constructor(
    private readonly dataSource: DataSource,
    private readonly store: DayFileStore,
    private readonly loads: FileLoadsRepository,
    private readonly unknowns: SnapshotUnknownsRepository,
    private readonly breaks: BreakBook,
    private readonly difs: DifAgreement,
    private readonly progress: DayProgress,
    private readonly jobs: JobRepository,
  ) {}

  /** The COMPARE job. */
  async run(job: Job): Promise<void> {
    const runner = this.dataSource.createQueryRunner();
    await runner.connect();
    try {
      await runner.startTransaction();
      const manager = runner.manager;
      const day: DayOf = { bankCode: job.bankCode, businessDate: job.businessDate };
      await lockDay(manager, day.bankCode, day.businessDate);
      const [compared] = await manager.query(`SELECT 1 FROM reconciliation.comparisons WHERE bank_code = $1 AND business_date = $2`, [day.bankCode, day.businessDate]);
      // Compared already, or a newer version of a file was refused since this was queued (a readable one queues it again).
      if (compared || !(await this.progress.detailHeld(manager, day.bankCode, day.businessDate))) {
        await this.jobs.complete(manager, job.jobId);
        await runner.commitTransaction();
        return;
      }
      const started = Date.now();
      const { matched, found } = await this.compare(manager, day);
      await this.difs.check(manager, day.bankCode, day.businessDate);
      await this.breaks.announce(manager, day.bankCode, day.businessDate, 'DETAIL');
      await this.jobs.complete(manager, job.jobId);
      await runner.commitTransaction();
      this.logger.log(`compared bank ${day.bankCode} ${day.businessDate}: ${matched} records match, ${found} breaks, in ${Date.now() - started} ms`);
    } catch (error) {
      if (runner.isTransactionActive) await runner.rollbackTransaction();
      throw error;
    } finally {
      await runner.release();
    }
  }

  private async compare(manager: EntityManager, day: DayOf): Promise<{ matched: number; found: number }> {
    const current = await this.loads.current(manager, day.bankCode, day.businessDate);
    const files = DETAIL_FILES.map((type) => ({ type, broker: pick(current, 'S', type)!, bank: pick(current, 'B', type)! }));
    // A million keys a side hash in PostgreSQL's memory, not in batches on disk (this transaction only).
    await manager.query(`SET LOCAL work_mem = '${COMPARE_WORK_MEM}'`);
    await manager.query(`CREATE TEMP TABLE candidates (check_file text, match_key text, s_line integer, b_line integer, s_bytes bytea, b_bytes bytea) ON COMMIT DROP`);
    let matched = 0;
    for (const { type, broker, bank } of files) {
      const differ = `(${CHECK_COLUMNS.map((c) => `s.${c}`).join(', ')}) IS DISTINCT FROM (${CHECK_COLUMNS.map((c) => `b.${c}`).join(', ')})`;
      const [{ broker_unmatched }]: Array<{ broker_unmatched: string }> = await manager.query(
        `WITH found AS (
           INSERT INTO candidates (check_file, match_key, s_line, b_line)
           SELECT $3, coalesce(s.match_key, b.match_key), s.line_no, b.line_no
             FROM (SELECT * FROM reconciliation.check_records WHERE load_id = $1) s
             FULL JOIN (SELECT * FROM reconciliation.check_records WHERE load_id = $2) b ON b.match_key = s.match_key
            WHERE s.match_key IS NULL OR b.match_key IS NULL OR ${differ}
           RETURNING s_line)
         SELECT count(s_line) AS broker_unmatched FROM found`,
        [broker.loadId, bank.loadId, type],
      );
      // The broker's records either match, or are candidates (S or X).
      matched += broker.records - Number(broker_unmatched);
    }
    await manager.query(`CREATE INDEX ON candidates (check_file, s_line)`);
    await manager.query(`CREATE INDEX ON candidates (check_file, b_line)`);
    for (const { type, broker, bank } of files) {
      await this.attachLines(manager, type, { load: broker, column: 's' });
      await this.attachLines(manager, type, { load: bank, column: 'b' });
    }
    const unknowns = await this.unknowns.byKey(manager, day.bankCode, day.businessDate);
    let found = 0;
    let after = { file: '', key: '' };
    for (;;) {
      const page: Array<{ check_file: DetailFile; match_key: string; s_bytes: Buffer | null; b_bytes: Buffer | null }> = await manager.query(
        `SELECT check_file, match_key, s_bytes, b_bytes FROM candidates WHERE (check_file, match_key) > ($1, $2) ORDER BY check_file, match_key LIMIT $3`,
        [after.file, after.key, PAGE],
      );
      if (page.length === 0) break;
      const judged: Judged[] = [];
      for (const row of page) {
        const names = files.find((f) => f.type === row.check_file)!;
        const decode = (bytes: Buffer | null, load: FileLoad) => (bytes === null ? null : decodeDayFileLine(row.check_file, bytes, load.fileName));
        const verdict = judgeRecord(day, row.check_file, decode(row.s_bytes, names.broker) as DayFileRecords[DetailFile] | null, decode(row.b_bytes, names.bank) as DayFileRecords[DetailFile] | null, unknowns);
        // PostgreSQL compares the columns; the codec's rule has the last word (never expected to differ).
        if (verdict === null) matched += 1;
        else judged.push(verdict);
      }
      found += await this.breaks.record(manager, judged);
      after = { file: page[page.length - 1].check_file, key: page[page.length - 1].match_key };
    }
    found += await this.breaks.record(manager, (await this.unlisted(manager, files[0].bank, unknowns)).map((unknown) => judgeUnlistedUnknown(day, unknown)));
    await manager.query(`INSERT INTO reconciliation.comparisons (bank_code, business_date, matched, loads) VALUES ($1, $2, $3, $4)`, [
      day.bankCode,
      day.businessDate,
      matched,
      JSON.stringify(Object.fromEntries(files.flatMap(({ type, broker, bank }) => [[`S_${type}`, broker.loadId], [`B_${type}`, bank.loadId]]))),
    ]);
    return { matched, found };
  }

  /** Reads again, from the kept file, the lines of one side that are candidates, a page at a time. */
  private async attachLines(manager: EntityManager, type: DetailFile, side: Side): Promise<void> {
    const line = `${side.column}_line`;
    async function* wanted(): AsyncGenerator<number> {
      let after = 0;
      for (;;) {
        const rows: Array<{ line: number }> = await manager.query(
          `SELECT ${line} AS line FROM candidates WHERE check_file = $1 AND ${line} > $2 ORDER BY ${line} LIMIT $3`,
          [type, after, PAGE],
        );
        if (rows.length === 0) return;
        for (const row of rows) yield row.line;
        after = rows[rows.length - 1].line;
      }
    }
    let batch: Array<{ lineNo: number; bytes: Buffer }> = [];
    const flush = async () => {
      if (batch.length === 0) return;
      await manager.query(
        `UPDATE candidates c SET ${side.column}_bytes = v.bytes FROM unnest($2::integer[], $3::bytea[]) AS v(line, bytes)
          WHERE c.check_file = $1 AND c.${line} = v.line`,
        [type, batch.map((l) => l.lineNo), batch.map((l) => l.bytes)],
      );
      batch = [];
    };
    for await (const picked of pickLines(this.store.bytes(side.load.fileId), wanted())) {
      batch.push(picked);
      if (batch.length === PAGE) await flush();
    }
    await flush();
  }

  /** The UNKNOWN transfers of the snapshot that the bank's CHK01 does not list. */
  private async unlisted(manager: EntityManager, bankChk01: FileLoad, unknowns: ReadonlyMap<string, SnapshotUnknown>): Promise<SnapshotUnknown[]> {
    if (unknowns.size === 0) return [];
    const listed: Array<{ match_key: string }> = await manager.query(
      `SELECT match_key FROM reconciliation.check_records WHERE load_id = $1 AND match_key = ANY($2::text[])`,
      [bankChk01.loadId, [...unknowns.keys()]],
    );
    const byBank = new Set(listed.map((row) => row.match_key));
    return [...unknowns.entries()].filter(([key]) => !byBank.has(key)).map(([, unknown]) => unknown);
  }
}
