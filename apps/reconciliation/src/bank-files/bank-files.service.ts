import { Injectable, Logger } from '@nestjs/common';
import type { DayFileDescriptor } from '@custody/contracts';
import { DataSource, type EntityManager } from 'typeorm';
import { isDetailDifFile, isDetailFile } from '../comparison/check-columns';
import { DayFileReader } from '../comparison/day-file.reader';
import { DayProgress } from '../comparison/day-progress';
import { FileLoadsRepository } from '../comparison/file-loads.repository';
import { DayFileStore } from '../day-files/day-file.store';
import { JobRepository, type Job } from '../jobs/job.repository';

/** The bank's files this service reads: CHK01–03 into the comparison, DIF01–03 for bankDifMatches, DIF04 into breaks. */
export function isReadBankFile(file: Pick<DayFileDescriptor, 'side' | 'type'>): boolean {
  return file.side === 'B' && (isDetailFile(file.type) || isDetailDifFile(file.type) || file.type === 'DIF04');
}

/**
 * The bank's files of a day as the adapter announces them (`bank.files-received`, after the bank's 13005 or a
 * FETCH): each version is read once, by name and FileMac, in a job of its own (a file may hold a million
 * records: never in a consumer's transaction).
 */
@Injectable()
export class BankFilesService {
  private readonly logger = new Logger(BankFilesService.name);

  constructor(
    private readonly dataSource: DataSource,
    private readonly jobs: JobRepository,
    private readonly store: DayFileStore,
    private readonly reader: DayFileReader,
    private readonly progress: DayProgress,
    private readonly loads: FileLoadsRepository,
  ) {}

  async received(manager: EntityManager, announced: { bankCode: string; files: DayFileDescriptor[] }): Promise<void> {
    for (const file of announced.files.filter(isReadBankFile)) {
      await this.jobs.enqueue(manager, 'READ_BANK_FILE', announced.bankCode, file.businessDate, `${file.fileName}@${file.fileMac}`);
    }
  }

  /** The READ_BANK_FILE job. */
  async run(job: Job): Promise<void> {
    const [fileName, fileMac] = job.subject.split('@');
    const stored = await this.store.withMac(job.bankCode, fileName, fileMac);
    // The adapter stores a file before it announces it: one not held is a fault to retry and look into.
    if (!stored) throw new Error(`${fileName} with FileMac ${fileMac} is announced but not held`);
    const done = (manager: EntityManager) => this.jobs.complete(manager, job.jobId);
    if (!stored.current) {
      this.logger.log(`${fileName} of bank ${job.bankCode} with FileMac ${fileMac} was replaced by a newer version before it was read: not read`);
      await this.dataSource.transaction(done);
      return;
    }
    if (await this.loads.ofFile(this.dataSource.manager, stored.fileId)) {
      await this.dataSource.transaction(done);
      return;
    }
    await this.reader.read(stored, async (manager, outcome) => {
      await this.progress.afterRead(manager, stored, outcome);
      await done(manager);
    });
  }
}
