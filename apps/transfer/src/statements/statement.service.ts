import { Injectable } from '@nestjs/common';
import { Money } from '@custody/money';
import { DomainError } from '@custody/service-kit';
import type { StatementMovementView, StatementView } from './statement.dto';
import { decodeStatementCursor, encodeStatementCursor, type StatementPageKey } from './statement-page.cursor';
import { readStatementRequest, type StatementQuery } from './statement-request';
import { type MovementRow, StatementRepository } from './statement.repository';

/**
 * Fund-ledger statements (F-5.2): the opening balance at the start of `from`, every movement booked on a business
 * date in [from, to], and the closing balance at the end of `to`. Balances are sums of the journal, so the
 * closing balance of one day is the opening of the next and a statement of a range is its days put together.
 */
@Injectable()
export class StatementService {
  constructor(private readonly journal: StatementRepository) {}

  async statement(fundAccountNo: string, query: StatementQuery): Promise<StatementView> {
    const request = readStatementRequest(fundAccountNo, query);
    const resumed = request.cursor === undefined ? undefined : decodeStatementCursor(request.cursor, request);
    if (!(await this.journal.hasLedger(request))) {
      throw new DomainError('NOT_FOUND', `fund account ${fundAccountNo} has no ${request.currency} ledger`);
    }
    // A first page starts before every line of `from` (line ids start at 1); a next one at the last line served.
    const start: StatementPageKey = resumed ?? { asOfLineId: await this.journal.lastLineId(request), businessDate: request.from, lineId: '0' };
    const opening = await this.journal.balanceAt(request, start, start.asOfLineId);
    const rows = await this.journal.movementsAfter(request, start, request.to, start.asOfLineId, request.limit + 1);
    const page = rows.slice(0, request.limit);
    let balance = opening;
    const movements = page.map((row) => {
      balance = balance.plus(Money.fromDb(row.amount));
      return movementView(row, balance);
    });
    const last = page.at(-1);
    const more = rows.length > request.limit && last !== undefined;
    return {
      fundAccountNo,
      currency: request.currency,
      from: request.from,
      to: request.to,
      openingBalance: resumed ? undefined : opening.toString(),
      movements,
      closingBalance: more ? undefined : balance.toString(),
      nextCursor: more ? encodeStatementCursor(request, { asOfLineId: start.asOfLineId, businessDate: last.businessDate, lineId: last.lineId }) : undefined,
    };
  }
}

function movementView(row: MovementRow, balance: Money): StatementMovementView {
  return {
    businessDate: row.businessDate,
    source: row.source,
    sourceId: row.sourceId,
    transfer: row.transferType && row.serialNo && row.bankCode ? { type: row.transferType, serialNo: row.serialNo, bankCode: row.bankCode } : undefined,
    adjustment: row.breakId && row.adjustmentKind && row.adjustmentBankCode ? { breakId: row.breakId, kind: row.adjustmentKind, bankCode: row.adjustmentBankCode } : undefined,
    amount: Money.fromDb(row.amount).toString(),
    balance: balance.toString(),
    recordedAt: row.recordedAt,
  };
}
