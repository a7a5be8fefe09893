import { Injectable, Logger } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import type { z } from 'zod';
import { type dormancyCheckRequested, ledgerActivityReported, type relationshipMarkedDormant } from '@custody/contracts';
import { Outbox } from '@custody/messaging';
import { LedgerActivityRepository } from './ledger-activity.repository';

/**
 * The transfer service's part of F-12.3 (dormant customers): it owns the activity facts of a fund ledger and answers
 * an operator's marking with them (`ledger.activity-reported`), deciding nothing; account decides and, when it marks
 * a relationship DORMANT, the ledger takes the flag (`relationship.marked-dormant`) and leaves S_CHK04 while it holds
 * nothing. The bank's confirmation wakes it (`CustodyProjection.designationConfirmed`).
 */
@Injectable()
export class LedgerDormancyService {
  private readonly logger = new Logger(LedgerDormancyService.name);

  constructor(
    private readonly outbox: Outbox,
    private readonly ledgers: LedgerActivityRepository,
  ) {}

  async reportActivity(manager: EntityManager, request: z.infer<typeof dormancyCheckRequested.schema>): Promise<void> {
    const facts = await this.ledgers.facts(manager, request.fundAccountNo, request.currency, request.bankCode);
    await this.outbox.add(
      manager,
      ledgerActivityReported,
      { ...request, found: facts !== undefined, ...(facts ? { balance: facts.balance, held: facts.held, lastMovementDate: facts.lastMovementDate } : {}) },
      { key: request.fundAccountNo },
    );
  }

  async markDormant(manager: EntityManager, event: z.infer<typeof relationshipMarkedDormant.schema>): Promise<void> {
    if (await this.ledgers.markDormant(manager, event.fundAccountNo, event.currency, event.bankCode)) return;
    // Confirmed by the bank between account's marking and this (its confirmation travels on another topic): awake.
    this.logger.warn({ fundAccountNo: event.fundAccountNo, bankCode: event.bankCode }, 'dormant marking for a ledger no longer pre-designated at the bank; left awake');
  }
}
