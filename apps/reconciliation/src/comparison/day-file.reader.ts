import { Injectable, Logger } from '@nestjs/common';
import { type DayFileRecords, DayFileError, type Dif04Record, matchKeyOf, readDayFile } from '@custody/bank-protocol';
import { DataSource, type EntityManager, type QueryRunner } from 'typeorm';
import { BreakBook } from '../breaks/break-book';
import { proposeManual } from '../breaks/break-proposal';
import { balanceBreakOf } from '../breaks/break-sides';
import { DayFileStore, type StoredDayFile } from '../day-files/day-file.store';
import { CHECK_COLUMNS, CHECK_OF, comparedValues, type DetailDifFile, type DetailFile, isDetailDifFile, isDetailFile } from './check-columns';
import { copyRow } from './copy-text';
import { FileLoadsRepository } from './file-loads.repository';
import { copyRows } from './record-copy';

/** What reading a version came to. NOT_READ: a file this service keeps but does not compare (CHK04, DAT…). */
export type ReadOutcome = { readonly status: 'LOADED'; readonly loadId: string; readonly records: number } | { readonly status: 'FAILED'; readonly error: string } | { readonly status: 'NOT_READ' };

/** DIF04 lines turned into breaks per statement. */
const BREAKS_PER_BATCH = 500;

/** A file that can never be read as it is: a defect of the file (or two records with one key), not of the moment. */
class UnreadableFileError extends Error {}

function isDuplicateKey(error: unknown): error is { detail?: string } {
  return typeof error === 'object' && error !== null && (error as { code?: unknown }).code === '23505';
}

/**
 * Reads one stored version of a day file into the comparison, in one transaction: CHK01–03 records (match key
 * and compared fields; COPY, so a million records stream in), the records the bank's DIF01–03 name, DIF04 lines
 * as CHK04 breaks with their MANUAL proposals. `then` runs in the same transaction (the caller's bookkeeping:
 * its job done, what follows). A file that cannot be read (the codec refuses a line, a key appears twice) is
 * recorded as FAILED, logged at ERROR naming the defect, and `then` runs with that outcome; anything else
 * (the database, the network) throws, for the caller to try again.
 */
@Injectable()
export class DayFileReader {
  private readonly logger = new Logger(DayFileReader.name);

  constructor(
    private readonly dataSource: DataSource,
    private readonly store: DayFileStore,
    private readonly loads: FileLoadsRepository,
    private readonly breaks: BreakBook,
  ) {}

  async read(file: StoredDayFile, then: (manager: EntityManager, outcome: ReadOutcome) => Promise<void>): Promise<ReadOutcome> {
    const runner = this.dataSource.createQueryRunner();
    await runner.connect();
    try {
      try {
        await runner.startTransaction();
        const outcome = await this.readIn(runner, file);
        await then(runner.manager, outcome);
        await runner.commitTransaction();
        return outcome;
      } catch (error) {
        if (runner.isTransactionActive) await runner.rollbackTransaction();
        const defect = error instanceof DayFileError || error instanceof UnreadableFileError ? error.message : undefined;
        if (defect === undefined) throw error;
        const outcome: ReadOutcome = { status: 'FAILED', error: defect };
        await runner.startTransaction();
        await this.loads.refuse(runner.manager, file, defect);
        await then(runner.manager, outcome);
        await runner.commitTransaction();
        this.logger.error(
          `DAY FILE UNREADABLE: ${file.descriptor.fileName} of bank ${file.bankCode} (version ${file.version}, FileMac ${file.descriptor.fileMac}): ${defect.replace(/\.$/, '')}. ` +
            `It is kept but not compared; the comparison waits for a readable version of it.`,
        );
        return outcome;
      }
    } finally {
      if (runner.isTransactionActive) await runner.rollbackTransaction();
      await runner.release();
    }
  }

  private async readIn(runner: QueryRunner, file: StoredDayFile): Promise<ReadOutcome> {
    const { type } = file.descriptor;
    if (!isDetailFile(type) && !isDetailDifFile(type) && type !== 'DIF04') return { status: 'NOT_READ' };
    const manager = runner.manager;
    const loadId = await this.loads.begin(manager, file);
    let records: number;
    if (isDetailFile(type)) {
      records = await this.copyCheckRecords(runner, file, loadId, type);
      await this.loads.dropOlder(manager, file, loadId, 'check_records');
    } else if (isDetailDifFile(type)) {
      records = await this.copyDifRecords(runner, file, loadId, type);
      await this.loads.dropOlder(manager, file, loadId, 'dif_records');
    } else {
      records = await this.recordBalanceBreaks(manager, file);
    }
    await this.loads.finish(manager, loadId, records);
    return { status: 'LOADED', loadId, records };
  }

  private records<T extends keyof DayFileRecords>(type: T, file: StoredDayFile): AsyncIterable<DayFileRecords[T]> {
    return readDayFile(type, this.store.bytes(file.fileId), { fileName: file.descriptor.fileName });
  }

  private async copyCheckRecords(runner: QueryRunner, file: StoredDayFile, loadId: string, type: DetailFile): Promise<number> {
    const records = this.records(type, file);
    async function* rows(): AsyncGenerator<string> {
      let lineNo = 0;
      for await (const record of records) {
        lineNo += 1;
        yield copyRow([loadId, matchKeyOf(type, record), lineNo, ...comparedValues(type, record)]);
      }
    }
    try {
      return await copyRows(runner, 'reconciliation.check_records', ['load_id', 'match_key', 'line_no', ...CHECK_COLUMNS], rows());
    } catch (error) {
      // bank-protocol.md §1: a serial is unique per issuer for ever, so a file listing one twice is malformed.
      if (isDuplicateKey(error)) throw new UnreadableFileError(`${file.descriptor.fileName} lists one record twice (${(error.detail ?? 'a match key repeated').replace(/\.$/, '')})`);
      throw error;
    }
  }

  private async copyDifRecords(runner: QueryRunner, file: StoredDayFile, loadId: string, type: DetailDifFile): Promise<number> {
    const checkFile = CHECK_OF[type];
    const records = this.records(type, file);
    async function* rows(): AsyncGenerator<string> {
      let lineNo = 0;
      for await (const record of records) {
        lineNo += 1;
        // The codec checks that a DIF reason names the sides present: B the bank's, S the broker's, X both.
        const named = (record.broker ?? record.bank)! as DayFileRecords[typeof checkFile];
        yield copyRow([loadId, lineNo, checkFile, record.reason, matchKeyOf(checkFile, named)]);
      }
    }
    return copyRows(runner, 'reconciliation.dif_records', ['load_id', 'line_no', 'check_file', 'reason', 'match_key'], rows());
  }

  /** DIF04 (table A.7): each line a CHK04 break, all MANUAL. */
  private async recordBalanceBreaks(manager: EntityManager, file: StoredDayFile): Promise<number> {
    let lines = 0;
    let batch: Dif04Record[] = [];
    const flush = async () => {
      await this.breaks.record(
        manager,
        batch.map((line) => {
          const found = balanceBreakOf(line);
          return {
            found: {
              bankCode: file.bankCode,
              businessDate: file.descriptor.businessDate,
              stage: 'BALANCE' as const,
              file: 'CHK04' as const,
              reason: found.reason,
              matchKey: `${found.fundAccountNo}:${found.currency}`,
              initiator: null,
              serialNo: null,
              fundAccountNo: found.fundAccountNo,
              currency: found.currency,
              differingFields: found.differingFields,
              broker: found.broker,
              bank: found.bank,
              inFiles: true,
              description: found.description,
            },
            proposal: proposeManual(found.fundAccountNo, found.currency, found.reason, found.description),
          };
        }),
      );
      batch = [];
    };
    for await (const line of this.records('DIF04', file)) {
      lines += 1;
      batch.push(line);
      if (batch.length === BREAKS_PER_BATCH) await flush();
    }
    await flush();
    return lines;
  }
}
