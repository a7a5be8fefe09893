import { Inject, Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import type { Chk01Record, Chk04Record } from '@custody/bank-protocol';
import { inTransaction, readInSnapshot } from '@custody/persistence';
import { chinaDateOf, Clock, CUSTODY_CONFIG, type CustodyConfig, DomainError, findBank } from '@custody/service-kit';
import { BankDayProjection } from '../day/bank-day.projection';
import { isCalendarDate } from '../statements/statement-request';
import { snapshotAgreement } from '../day/snapshot-agreement';
import { listedReversal, listedTransfer, wouldBeListed } from './chk01-listing';
import { DayFilesRepository } from './day-files.repository';
import { chk04Record, type DayFileContext } from './ledger-record-fields';

/** A transfer the day's snapshot holds UNKNOWN, with the record CHK01 would list for it had it succeeded. */
export interface UnknownTransfer {
  readonly transferId: string;
  readonly record: Chk01Record;
}

/**
 * The transfer service's files of a bank's day (bank-protocol.md §5, §7 steps 5 and 7): S_CHK01 (what moved the
 * broker's books on D at the bank), S_CHK04 (every fund ledger's balance at the bank now), and the transfers the
 * day's snapshot holds UNKNOWN. Each is read from one instant of the database, and only once the books of (bank, D)
 * agree with the snapshot 13011 took (else SNAPSHOT_NOT_SETTLED: an outcome is still on its way; ask again).
 */
@Injectable()
export class DayFilesService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly files: DayFilesRepository,
    private readonly bankDays: BankDayProjection,
    @Inject(CUSTODY_CONFIG) private readonly config: CustodyConfig,
    private readonly clock: Clock,
  ) {}

  /** S_CHK01's records, streamed: the day's transfers that moved the books, then the bank's reversals that moved them back. */
  async chk01(bankCode: string, businessDate: string): Promise<AsyncIterable<Chk01Record>> {
    const day = this.context(bankCode, businessDate);
    return readInSnapshot(this.dataSource, async (manager) => {
      const snapshot = await this.settledSnapshot(manager, day);
      return this.chk01Records(manager, day, snapshot);
    });
  }

  /** S_CHK04's records, streamed: the balance of every fund ledger of a relationship at the bank, after the adjustments. */
  async chk04(bankCode: string, businessDate: string): Promise<AsyncIterable<Chk04Record>> {
    const day = this.context(bankCode, businessDate);
    const writtenOn = chinaDateOf(this.clock.now());
    return readInSnapshot(this.dataSource, async (manager) => {
      await this.settledSnapshot(manager, day);
      return mapRows(this.files.ledgersAt(manager, bankCode), (row) => chk04Record(row, day, writtenOn));
    });
  }

  /** The transfers of (bank, D) the snapshot holds UNKNOWN, each as CHK01 would list it had it succeeded. */
  async unknownTransfers(bankCode: string, businessDate: string): Promise<UnknownTransfer[]> {
    const day = this.context(bankCode, businessDate);
    return inTransaction(this.dataSource, 'REPEATABLE READ', async (manager) => {
      const snapshot = await this.settledSnapshot(manager, day);
      const rows = await this.files.snapshotTransfers(manager, bankCode, businessDate, snapshot);
      return rows.map((row) => ({ transferId: row.transferId, record: wouldBeListed(row, day) }));
    });
  }

  private async *chk01Records(manager: EntityManager, day: DayFileContext, snapshot: readonly string[]): AsyncGenerator<Chk01Record> {
    for await (const row of this.files.transfersOfDay(manager, day.bankCode, day.businessDate, snapshot)) {
      const record = listedTransfer(row, day);
      if (record) yield record;
    }
    for await (const row of this.files.reversalsOfDay(manager, day.bankCode, day.businessDate)) {
      const record = listedReversal(row, day);
      if (record) yield record;
    }
  }

  /** The day's snapshot, once the books agree with it; SNAPSHOT_NOT_SETTLED until then. */
  private async settledSnapshot(manager: EntityManager, day: DayFileContext): Promise<readonly string[]> {
    const snapshot = await this.bankDays.snapshotOf(manager, day.bankCode, day.businessDate);
    const standings = await this.files.standings(manager, day.bankCode, day.businessDate, snapshot ?? []);
    const agreement = snapshotAgreement(snapshot, standings);
    if (!agreement.agrees) throw new DomainError('SNAPSHOT_NOT_SETTLED', `bank ${day.bankCode}, ${day.businessDate}: ${agreement.why}`);
    return snapshot!;
  }

  private context(bankCode: string, businessDate: string): DayFileContext {
    if (!findBank(this.config, bankCode)) throw new DomainError('NOT_FOUND', `bank ${bankCode} is not configured`);
    if (!isCalendarDate(businessDate)) {
      throw new DomainError('VALIDATION_FAILED', `businessDate "${businessDate}" is not a YYYY-MM-DD date`);
    }
    return { bankCode, brokerInstId: this.config.broker.instId, businessDate };
  }
}

async function* mapRows<T, R>(rows: AsyncIterable<T>, map: (row: T) => R): AsyncGenerator<R> {
  for await (const row of rows) yield map(row);
}
