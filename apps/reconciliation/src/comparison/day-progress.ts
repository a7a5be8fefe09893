import { Injectable, Logger } from '@nestjs/common';
import { lockForTransaction } from '@custody/persistence';
import type { EntityManager } from 'typeorm';
import { BreakBook } from '../breaks/break-book';
import type { StoredDayFile } from '../day-files/day-file.store';
import { JobRepository } from '../jobs/job.repository';
import { DETAIL_FILES, isDetailDifFile, isDetailFile } from './check-columns';
import type { ReadOutcome } from './day-file.reader';
import { DifAgreement } from './dif-agreement';
import { FileLoadsRepository, pick } from './file-loads.repository';

/** Everything that changes what one bank's day has been compared with takes this lock first. */
export function lockDay(manager: EntityManager, bankCode: string, businessDate: string): Promise<void> {
  return lockForTransaction(manager, `reconciliation.day|${bankCode}|${businessDate}`);
}

/**
 * What a file read makes possible for its bank's day (bank-protocol.md §7 steps 5–7), decided in the
 * transaction that read it: both sides' CHK01–03 held → the comparison is queued; a DIF01–03 → the bank's
 * verdict is checked against ours; a DIF04 → the saga hears of the BALANCE breaks.
 */
@Injectable()
export class DayProgress {
  private readonly logger = new Logger(DayProgress.name);

  constructor(
    private readonly loads: FileLoadsRepository,
    private readonly jobs: JobRepository,
    private readonly difs: DifAgreement,
    private readonly breaks: BreakBook,
  ) {}

  async afterRead(manager: EntityManager, file: StoredDayFile, outcome: ReadOutcome): Promise<void> {
    if (outcome.status !== 'LOADED') return;
    const { bankCode } = file;
    const { businessDate, type, fileName } = file.descriptor;
    await lockDay(manager, bankCode, businessDate);
    if (isDetailFile(type)) {
      const [compared] = await manager.query(`SELECT 1 FROM reconciliation.comparisons WHERE bank_code = $1 AND business_date = $2`, [bankCode, businessDate]);
      if (compared) {
        this.logger.warn(`${fileName} of bank ${bankCode} changed after the day was compared; the comparison stands and its breaks are settled by adjustments`);
      } else if (await this.detailHeld(manager, bankCode, businessDate)) {
        await this.jobs.enqueueAgain(manager, 'COMPARE', bankCode, businessDate);
      }
    } else if (isDetailDifFile(type)) {
      await this.difs.check(manager, bankCode, businessDate);
    } else if (type === 'DIF04') {
      await this.breaks.announce(manager, bankCode, businessDate, 'BALANCE');
    }
  }

  /** Both sides' CHK01–03 of the day read, each in its newest version. */
  async detailHeld(manager: EntityManager, bankCode: string, businessDate: string): Promise<boolean> {
    const current = await this.loads.current(manager, bankCode, businessDate);
    return DETAIL_FILES.every((type) => pick(current, 'S', type)?.status === 'LOADED' && pick(current, 'B', type)?.status === 'LOADED');
  }
}
