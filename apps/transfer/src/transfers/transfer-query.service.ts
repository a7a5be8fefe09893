import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { DomainError } from '@custody/service-kit';
import type { TransferView } from './transfer.dto';
import { attemptsView } from './transfer-attempts';
import { decodeTransferCursor, encodeTransferCursor } from './transfer-page.cursor';
import { Transfer, type TransferStatus } from './transfer.entity';
import { TransferRepository } from './transfer.repository';

export interface TransferFilter {
  fundAccountNo?: string;
  businessDate?: string;
  status?: TransferStatus;
  cursor?: string;
  limit: number;
}

export function transferView(t: Transfer): TransferView {
  return {
    transferId: t.transferId,
    serialNo: t.serialNo,
    type: t.type,
    status: t.status,
    amount: t.amount,
    currency: t.currency,
    fundAccountNo: t.fundAccountNo,
    counterpartFundAccountNo: t.counterpartFundAccountNo ?? undefined,
    bankCode: t.bankCode,
    businessDate: t.businessDate,
    initiator: t.initiator,
    failure: t.failureCode ? { code: t.failureCode, bankReturnCode: t.bankReturnCode ?? undefined, message: t.failureMessage ?? '' } : undefined,
    unknownSince: t.unknownSince?.toISOString(),
    attempts: attemptsView({ attempts: t.attempts, dropped: t.attemptsDropped }),
    resolvedByAdjustmentId: t.resolvedByAdjustment ?? undefined,
  };
}

/** Reads transfers for callers and operators; every open UNKNOWN is visible with its age and attempts. */
@Injectable()
export class TransferQueryService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly transfers: TransferRepository,
  ) {}

  /** Read by every caller waiting on a transfer, each time it is woken. */
  async get(transferId: string): Promise<Transfer> {
    const transfer = await this.transfers.find(this.dataSource.manager, transferId);
    if (!transfer) throw new DomainError('NOT_FOUND', `transfer ${transferId} does not exist`);
    return transfer;
  }

  /**
   * Keyset pagination, newest first, on the strict key (created_at, transfer_id): no row is skipped or repeated,
   * also among rows of one instant, and rows arriving meanwhile never shift a page (they are newer than any
   * cursor). The key is read as the database's text (microseconds), never through a JS Date (milliseconds).
   * Indexed by transfers_page and transfers_account_page.
   */
  async list(filter: TransferFilter): Promise<{ items: TransferView[]; nextCursor?: string }> {
    const query = this.dataSource
      .getRepository(Transfer)
      .createQueryBuilder('t')
      .addSelect(`to_char(t.created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"')`, 'page_created_at')
      .orderBy('t.created_at', 'DESC')
      .addOrderBy('t.transfer_id', 'DESC')
      .limit(filter.limit + 1);
    if (filter.fundAccountNo) query.andWhere('t.fund_account_no = :fa', { fa: filter.fundAccountNo });
    if (filter.businessDate) query.andWhere('t.business_date = :bd', { bd: filter.businessDate });
    if (filter.status) query.andWhere('t.status = :st', { st: filter.status });
    if (filter.cursor) {
      const after = decodeTransferCursor(filter.cursor);
      query.andWhere('(t.created_at, t.transfer_id) < (CAST(:createdAt AS timestamptz), CAST(:transferId AS uuid))', after);
    }
    const { entities, raw } = await query.getRawAndEntities<{ page_created_at: string }>();
    const items = entities.slice(0, filter.limit);
    const last = items.length - 1;
    return {
      items: items.map(transferView),
      nextCursor: entities.length > filter.limit && last >= 0 ? encodeTransferCursor({ createdAt: raw[last].page_created_at, transferId: items[last].transferId }) : undefined,
    };
  }
}
