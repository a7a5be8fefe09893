import { Inject, Injectable, Logger } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { DataSource, type EntityManager } from 'typeorm';
import type { z } from 'zod';
import { dormancyCheckRequested, type ledgerActivityReported, relationshipMarkedDormant } from '@custody/contracts';
import { Outbox } from '@custody/messaging';
import { BusinessCalendar, CUSTODY_CONFIG, type CustodyConfig, DomainError, IdempotencyStore } from '@custody/service-kit';
import { CustodyRelationship } from '../custody/custody-relationship.entity';
import { dormancyCutoff, type DormancyOutcome, dormancyVerdict } from './dormancy-rules';
import { DormantMarkingRepository } from './dormant-marking.repository';

type ActivityReport = z.infer<typeof ledgerActivityReported.schema>;

const SCOPE = 'dormant-marking';
/** Relationships asked about per transaction: one outbox row each. */
const CHECKS_PER_STEP = 200;

export interface DormantMarkingView {
  markingId: string;
  /** The business date the marking judges by, and the last day of activity that still leaves a relationship idle. */
  asOf: string;
  dormantAfterDays: number;
  cutoffDate: string;
  requestedBy: string;
  requestedAt: string;
  /** REQUESTING: still asking the ledger about relationships; CHECKING: waiting for answers; DONE. */
  state: 'REQUESTING' | 'CHECKING' | 'DONE';
  counts: Record<'PENDING' | DormancyOutcome, number>;
}

/**
 * F-12.3 dormant customers, marked by an operator's job (`POST /v1/conversion/dormant-markings`): every awake
 * pre-designated relationship whose account functions lie on or before the cutoff (`dormantAfterDays` before the
 * business date) is checked against its fund ledger's facts, which belong to the transfer service and come by event
 * (`dormancy.check-requested` → `ledger.activity-reported`); account decides (dormancy-rules.ts) and marks DORMANT with
 * `relationship.marked-dormant`, which takes the ledger out of S_CHK04 while it holds nothing. Idempotent: a repeated
 * `requestId` answers the first marking; a marking run again finds the dormant ones no longer awake.
 *
 * Not run at the day's close: the rule moves at most daily and an operator reads what it marked (the clean-up
 * report), so it needs no step on the day's critical path.
 */
@Injectable()
export class DormantMarkingService {
  private readonly logger = new Logger(DormantMarkingService.name);

  constructor(
    private readonly dataSource: DataSource,
    private readonly idempotency: IdempotencyStore,
    private readonly outbox: Outbox,
    private readonly calendar: BusinessCalendar,
    private readonly markings: DormantMarkingRepository,
    @Inject(CUSTODY_CONFIG) private readonly config: CustodyConfig,
  ) {}

  async start(requestId: string, requestedBy: string): Promise<string> {
    return this.dataSource.transaction(async (manager) => {
      const { replayOf } = await this.idempotency.claim(manager, SCOPE, requestId, { requestId });
      if (replayOf) return replayOf;
      const asOf = await this.asOf(manager);
      const markingId = randomUUID();
      const { dormantAfterDays } = this.config;
      await this.markings.insert(manager, { markingId, asOf, dormantAfterDays, cutoffDate: dormancyCutoff(asOf, dormantAfterDays), requestedBy });
      await this.idempotency.complete(manager, SCOPE, requestId, markingId);
      return markingId;
    });
  }

  async view(markingId: string): Promise<DormantMarkingView> {
    const manager = this.dataSource.manager;
    const marking = await this.markings.marking(manager, markingId);
    if (!marking) throw new DomainError('NOT_FOUND', `dormant marking ${markingId} does not exist`);
    const counts = await this.markings.counts(manager, markingId);
    return {
      markingId,
      asOf: marking.asOf,
      dormantAfterDays: marking.dormantAfterDays,
      cutoffDate: marking.cutoffDate,
      requestedBy: marking.requestedBy,
      requestedAt: marking.createdAt.toISOString(),
      state: !marking.allRequested ? 'REQUESTING' : counts.PENDING > 0 ? 'CHECKING' : 'DONE',
      counts,
    };
  }

  /** One step of the oldest marking still asking: the next relationships' checks and their requests; false when none asks. */
  async requestNextChecks(): Promise<boolean> {
    return this.dataSource.transaction(async (manager) => {
      const marking = await this.markings.takeRequesting(manager);
      if (!marking) return false;
      const candidates = await this.markings.candidates(manager, marking, CHECKS_PER_STEP);
      await this.markings.addChecks(manager, marking.markingId, candidates.map((c) => c.relationshipId));
      for (const candidate of candidates) {
        await this.outbox.add(
          manager,
          dormancyCheckRequested,
          { markingId: marking.markingId, relationshipId: candidate.relationshipId, fundAccountNo: candidate.fundAccountNo, currency: candidate.currency, bankCode: candidate.bankCode },
          { key: candidate.fundAccountNo },
        );
      }
      const last = candidates.at(-1)?.relationshipId ?? null;
      await this.markings.advance(manager, marking.markingId, last, candidates.length < CHECKS_PER_STEP);
      return true;
    });
  }

  /** The ledger's facts for one check: decided under the relationship's lock; a redelivery finds the check answered. */
  async applyReport(manager: EntityManager, report: ActivityReport): Promise<void> {
    const check = await this.markings.pendingCheck(manager, report.markingId, report.relationshipId);
    if (!check) return;
    const marking = await this.markings.marking(manager, report.markingId);
    const relationship = await manager.findOne(CustodyRelationship, { where: { id: report.relationshipId }, lock: { mode: 'pessimistic_write' } });
    if (!marking || !relationship) throw new Error(`dormancy check ${report.markingId}/${report.relationshipId} names what does not exist`);
    const verdict = dormancyVerdict(
      { status: relationship.status, dormantSince: relationship.dormantSince, lastFunctionDate: await this.markings.lastFunctionDate(manager, relationship.id) },
      { found: report.found, balance: report.balance, held: report.held, lastMovementDate: report.lastMovementDate },
      marking.cutoffDate,
    );
    if (verdict.outcome === 'DORMANT') {
      relationship.dormantSince = marking.asOf;
      await manager.save(relationship);
      await this.outbox.add(
        manager,
        relationshipMarkedDormant,
        { relationshipId: relationship.id, fundAccountNo: relationship.fundAccountNo, currency: relationship.currency, bankCode: relationship.bankCode, dormantSince: marking.asOf },
        { key: relationship.fundAccountNo },
      );
      this.logger.log({ markingId: marking.markingId, relationshipId: relationship.id, fundAccountNo: relationship.fundAccountNo }, 'relationship marked DORMANT (F-12.3)');
    }
    await this.markings.settleCheck(manager, { markingId: marking.markingId, relationshipId: relationship.id }, {
      outcome: verdict.outcome,
      reason: verdict.why ?? null,
      balance: report.balance ?? null,
      lastMovementDate: report.lastMovementDate ?? null,
    });
  }

  /**
   * The business date to judge by: the newest day any bank has reached (the broker's date, which the day cycle
   * switches, may run ahead of the calendar), never before today's calendar date in China.
   */
  private async asOf(manager: EntityManager): Promise<string> {
    const today = this.calendar.today();
    const newest = await this.markings.newestBankDay(manager);
    return newest !== null && newest > today ? newest : today;
  }
}
