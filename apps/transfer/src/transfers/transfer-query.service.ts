import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { DomainError } from '@custody/service-kit';
import type { TransferView } from './transfer.dto';
import { Transfer, type TransferStatus } from './transfer.entity';

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
    attempts: t.attempts,
  };
}

/** Reads transfers for callers and operators; every open UNKNOWN is visible with its age and attempts. */
@Injectable()
export class TransferQueryService {
  constructor(private readonly dataSource: DataSource) {}

  async get(transferId: string): Promise<Transfer> {
    const transfer = await this.dataSource.getRepository(Transfer).findOneBy({ transferId });
    if (!transfer) throw new DomainError('NOT_FOUND', `transfer ${transferId} does not exist`);
    return transfer;
  }

  /** Keyset pagination on (created_at, transfer_id): stable while transfers keep arriving. */
  async list(filter: TransferFilter): Promise<{ items: TransferView[]; nextCursor?: string }> {
    const query = this.dataSource.getRepository(Transfer).createQueryBuilder('t').orderBy('t.created_at', 'DESC').addOrderBy('t.transfer_id', 'DESC').limit(filter.limit + 1);
    if (filter.fundAccountNo) query.andWhere('t.fund_account_no = :fa', { fa: filter.fundAccountNo });
    if (filter.businessDate) query.andWhere('t.business_date = :bd', { bd: filter.businessDate });
    if (filter.status) query.andWhere('t.status = :st', { st: filter.status });
    if (filter.cursor) {
      const [createdAt, transferId] = decodeCursor(filter.cursor);
      query.andWhere('(t.created_at, t.transfer_id) < (:createdAt, :transferId)', { createdAt, transferId });
    }
    const rows = await query.getMany();
    const items = rows.slice(0, filter.limit);
    const last = items[items.length - 1];
    return {
      items: items.map(transferView),
      nextCursor: rows.length > filter.limit && last ? Buffer.from(`${last.createdAt.toISOString()}|${last.transferId}`).toString('base64url') : undefined,
    };
  }
}

function decodeCursor(cursor: string): [string, string] {
  const [createdAt, transferId] = Buffer.from(cursor, 'base64url').toString().split('|');
  if (!createdAt || !transferId || Number.isNaN(Date.parse(createdAt))) throw new DomainError('VALIDATION_FAILED', 'cursor is not one this API issued');
  return [createdAt, transferId];
}
