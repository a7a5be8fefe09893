import { Injectable, Logger } from '@nestjs/common';
import { dayFileName } from '@custody/bank-protocol';
import { type BrokerFileStep, brokerFilesReady, type DayFileDescriptor, type TransferSummary, transferSummarySchema } from '@custody/contracts';
import { Outbox } from '@custody/messaging';
import { Money } from '@custody/money';
import { Clock } from '@custody/service-kit';
import { DataSource, type EntityManager } from 'typeorm';
import { DayFileReader } from '../comparison/day-file.reader';
import { DayProgress, lockDay } from '../comparison/day-progress';
import { SnapshotUnknownsRepository } from '../comparison/snapshot-unknowns.repository';
import { busCodeOf, chinaFileTime, namedDayFile } from '../day-files/day-file-descriptor';
import { DayFileStore } from '../day-files/day-file.store';
import { JobRepository, type Job } from '../jobs/job.repository';
import { BrokerFileOwners, type BrokerFileType } from './broker-file-owners';
import { transferSummaryOf } from './transfer-summary';

/** The files of each step, in the order they are fetched: account's small ones first, the transfers last. */
const STEP_FILES: Record<BrokerFileStep, readonly BrokerFileType[]> = { DETAIL: ['CHK02', 'CHK03', 'CHK01'], BALANCE: ['CHK04'] };

/** What a BROKER_FILES job has done so far, kept in its row so that a crash resumes after it. */
interface StepProgress {
  unknowns?: true;
  files?: Partial<Record<BrokerFileType, { descriptor: DayFileDescriptor; loadId?: string }>>;
}

/**
 * The broker's own files of a bank's day (bank-protocol.md §7 steps 4–5 and 7): asked for by the saga
 * (`reconciliation.broker-files-requested`), fetched from their owners, kept as `S_{TYPE}_{D}.gz`, read into the
 * comparison, the 13010 figures taken from S_CHK01, and answered with `reconciliation.broker-files-ready`.
 * Once per (bank, date, step): asked again, it answers with the files it already has.
 */
@Injectable()
export class BrokerFilesService {
  private readonly logger = new Logger(BrokerFilesService.name);

  constructor(
    private readonly dataSource: DataSource,
    private readonly jobs: JobRepository,
    private readonly store: DayFileStore,
    private readonly reader: DayFileReader,
    private readonly progress: DayProgress,
    private readonly unknowns: SnapshotUnknownsRepository,
    private readonly owners: BrokerFileOwners,
    private readonly outbox: Outbox,
    private readonly clock: Clock,
  ) {}

  /** The saga's request, applied in its consumer's transaction. */
  async requested(manager: EntityManager, request: { bankCode: string; businessDate: string; step: BrokerFileStep }): Promise<void> {
    // `summary` as stored: JSON, its amounts as text.
    const [ready]: Array<{ files: DayFileDescriptor[]; summary: unknown }> = await manager.query(
      `SELECT files, summary FROM reconciliation.broker_steps WHERE bank_code = $1 AND business_date = $2 AND step = $3`,
      [request.bankCode, request.businessDate, request.step],
    );
    if (ready) {
      await this.announce(manager, request, ready.files, ready.summary === null ? undefined : transferSummarySchema.parse(ready.summary));
      return;
    }
    await this.jobs.enqueue(manager, 'BROKER_FILES', request.bankCode, request.businessDate, request.step);
  }

  /** The BROKER_FILES job: each file fetched, kept and read once, then the answer. */
  async run(job: Job): Promise<void> {
    const step = job.subject as BrokerFileStep;
    const { bankCode, businessDate } = job;
    const progress: StepProgress = { ...(job.progress as StepProgress) };
    const save = (manager: EntityManager) => this.jobs.saveProgress(manager, job.jobId, progress as Record<string, unknown>);
    if (step === 'DETAIL' && !progress.unknowns) {
      const unknowns = await this.owners.unknownTransfers(bankCode, businessDate);
      await this.dataSource.transaction(async (manager) => {
        await this.unknowns.replace(manager, bankCode, businessDate, unknowns);
        progress.unknowns = true;
        await save(manager);
      });
    }
    for (const type of STEP_FILES[step]) {
      if (progress.files?.[type]) continue;
      const file = namedDayFile(dayFileName('S', type, businessDate));
      const bytes = await this.owners.file(bankCode, businessDate, type);
      const { stored } = await this.store.store({ bankCode, file, busCode: busCodeOf(type), fileTime: chinaFileTime(this.clock.now()) }, bytes);
      const outcome = await this.reader.read(stored, async (manager, read) => {
        if (read.status === 'FAILED') return;
        progress.files = { ...progress.files, [type]: { descriptor: stored.descriptor, ...(read.status === 'LOADED' ? { loadId: read.loadId } : {}) } };
        await save(manager);
        await this.progress.afterRead(manager, stored, read);
      });
      if (outcome.status === 'FAILED') throw new Error(`the broker's own ${file.fileName} cannot be read: ${outcome.error}`);
    }
    await this.dataSource.transaction(async (manager) => {
      await lockDay(manager, bankCode, businessDate);
      const files = STEP_FILES[step].map((type) => progress.files![type]!.descriptor);
      const summary = step === 'DETAIL' ? await this.summaryOf(manager, progress.files!.CHK01!.loadId!) : undefined;
      await manager.query(
        `INSERT INTO reconciliation.broker_steps (bank_code, business_date, step, files, summary) VALUES ($1, $2, $3, $4, $5) ON CONFLICT DO NOTHING`,
        [bankCode, businessDate, step, JSON.stringify(files), summary === undefined ? null : JSON.stringify(summary)],
      );
      await this.announce(manager, { bankCode, businessDate, step }, files, summary);
      await this.jobs.complete(manager, job.jobId);
    });
    this.logger.log(`the broker's ${step} files of bank ${bankCode} for ${businessDate} are ready: ${STEP_FILES[step].map((type) => progress.files![type]!.descriptor.fileName).join(', ')}`);
  }

  /** 13010's figures from S_CHK01 as read (bank-protocol.md §7 step 4). */
  private async summaryOf(manager: EntityManager, loadId: string): Promise<TransferSummary> {
    const rows: Array<{ function_code: string; count: number; amount: string }> = await manager.query(
      `SELECT function_code, count(*)::int AS count, sum(amount)::text AS amount FROM reconciliation.check_records WHERE load_id = $1 GROUP BY function_code`,
      [loadId],
    );
    return transferSummaryOf(rows.map((row) => ({ functionCode: row.function_code, count: row.count, amount: Money.fromDb(row.amount) })));
  }

  private announce(manager: EntityManager, request: { bankCode: string; businessDate: string; step: BrokerFileStep }, files: DayFileDescriptor[], summary?: TransferSummary) {
    return this.outbox.add(manager, brokerFilesReady, { ...request, files, ...(summary ? { summary } : {}) }, { key: request.bankCode, businessDate: request.businessDate });
  }
}
