import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import type { z } from 'zod';
import { primaryChangeResolved, type primaryChangeRequested } from '@custody/contracts';
import { Outbox } from '@custody/messaging';
import { LedgerRepository } from '../ledger/ledger.repository';
import { primaryChangeRefusal } from './role-rules';

type PrimaryChangeRequest = z.infer<typeof primaryChangeRequested.schema>;

/**
 * domain.md §13: decides a change of a customer's primary fund account that account recorded PENDING, because the
 * holds that may refuse it are owned here (see account's PrimaryChangeService for the whole flow).
 *
 * The check and the role change cannot race a trading hold: both fund accounts' ledgers are locked first, and
 * placing a trading hold locks its ledger too and is refused on an AUXILIARY one. So a hold placed before this
 * locks is counted (the change is refused), and one placed after finds the old primary AUXILIARY (the hold is
 * refused); none slips in between. The verdict leaves in this transaction (outbox), so account changes its roles
 * exactly when these did.
 */
@Injectable()
export class PrimaryChangeService {
  constructor(
    private readonly ledger: LedgerRepository,
    private readonly outbox: Outbox,
  ) {}

  async decide(manager: EntityManager, request: PrimaryChangeRequest): Promise<void> {
    const previous = request.previousPrimaryFundAccountNo;
    const ledgers = await this.ledger.lockFundAccounts(manager, [previous, request.fundAccountNo]);
    for (const fundAccountNo of [previous, request.fundAccountNo]) {
      // Each account's `fund-account.opened` comes on another topic and may still be on its way: retry until it is here.
      if (!ledgers.some((l) => l.fundAccountNo === fundAccountNo)) throw new Error(`primary change ${request.changeId} arrived before the ledger of fund account ${fundAccountNo}`);
    }
    const refusal = primaryChangeRefusal(previous, await this.ledger.activeTradingHolds(manager, previous));
    if (refusal === null) {
      await this.ledger.setRole(manager, previous, 'AUXILIARY');
      await this.ledger.setRole(manager, request.fundAccountNo, 'PRIMARY');
    }
    await this.outbox.add(
      manager,
      primaryChangeResolved,
      refusal === null ? { ...request, status: 'APPLIED' } : { ...request, status: 'REFUSED', refusal },
      { key: request.fundAccountNo },
    );
  }
}
