import { Injectable } from '@nestjs/common';
import type { manualCaseRaised } from '@custody/contracts';
import type { EntityManager } from 'typeorm';
import type { z } from 'zod';
import { BreakBook } from './break-book';
import { proposeManual } from './break-proposal';

export type ManualCase = z.infer<typeof manualCaseRaised.schema>;

/**
 * Cases from the transfer flows only a person can settle (e.g. a bank reversal refused 2008, the funds used)
 * join the operator queue as breaks of their bank's day: no file, no reason, their `cause`, a MANUAL proposal.
 * They count among the day's DETAIL open breaks, so the day does not close over them.
 */
@Injectable()
export class OperatorCasesService {
  constructor(private readonly breaks: BreakBook) {}

  async raised(manager: EntityManager, raised: ManualCase): Promise<void> {
    const about = `${raised.initiator} serial ${raised.serialNo}, ${raised.functionCode}${raised.amount ? ` of ${raised.amount} ${raised.currency}` : ''}${raised.transferId ? `, transfer ${raised.transferId}` : ''}${raised.bankReturnCode ? `, bank code ${raised.bankReturnCode}` : ''}`;
    const description = `${raised.description} (${about})`;
    const recorded = await this.breaks.record(manager, [
      {
        found: {
          bankCode: raised.bankCode,
          businessDate: raised.businessDate,
          stage: 'DETAIL',
          file: null,
          reason: null,
          matchKey: null,
          initiator: raised.initiator,
          serialNo: raised.serialNo,
          fundAccountNo: raised.fundAccountNo,
          currency: raised.currency,
          differingFields: [],
          broker: null,
          bank: null,
          inFiles: false,
          caseId: raised.caseId,
          cause: raised.cause,
          description,
        },
        proposal: proposeManual(raised.fundAccountNo, raised.currency, null, `${raised.cause}: ${description}`),
      },
    ]);
    if (recorded > 0) await this.breaks.announce(manager, raised.bankCode, raised.businessDate, 'DETAIL');
  }
}
