import { Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import { Clock, DomainError, IdempotencyStore } from '@custody/service-kit';
import { BankDayRepository, type BankDay } from './bank-day.repository';
import type { DayClose } from './day-close-decisions';
import { DayCloseRepository } from './day-close.repository';
import { DayCycleService } from './day-cycle.service';
import { BUSINESS_DATE_PATTERN, type DayView } from './day.dto';

/** What operators do with the day (api.md "Clearing and the day"), each request in one transaction, idempotent by `requestId`. */
@Injectable()
export class DayOperations {
  constructor(
    private readonly dataSource: DataSource,
    private readonly cycle: DayCycleService,
    private readonly days: BankDayRepository,
    private readonly closes: DayCloseRepository,
    private readonly idempotency: IdempotencyStore,
    private readonly clock: Clock,
  ) {}

  view(): Promise<DayView> {
    return this.dataSource.transaction(async (manager) => {
      const businessDate = await this.cycle.businessDate(manager);
      return this.viewOf(manager, businessDate);
    });
  }

  close(businessDate: string, requestId: string, bankCode?: string): Promise<DayView> {
    assertDate(businessDate);
    return this.once('day-close', requestId, { businessDate, bankCode }, async (manager) => {
      await this.cycle.close(manager, businessDate, bankCode);
      return this.viewOf(manager, businessDate);
    });
  }

  defer(businessDate: string, bankCode: string | undefined, requestId: string, reason: string): Promise<DayView> {
    assertDate(businessDate);
    if (bankCode === undefined) throw new DomainError('VALIDATION_FAILED', 'bankCode is required: a deferral names one bank');
    return this.once('day-defer', requestId, { businessDate, bankCode, reason }, async (manager) => {
      await this.cycle.defer(manager, businessDate, bankCode, reason);
      return this.viewOf(manager, businessDate);
    });
  }

  /** A repeated `requestId` with the same body changes nothing again and answers the day as it is now. */
  private once(scope: string, requestId: string, body: object, act: (manager: EntityManager) => Promise<DayView>): Promise<DayView> {
    return this.dataSource.transaction(async (manager) => {
      const { replayOf } = await this.idempotency.claim(manager, scope, requestId, body);
      if (replayOf) {
        return this.viewOf(manager, (body as { businessDate: string }).businessDate);
      }
      const view = await act(manager);
      await this.idempotency.complete(manager, scope, requestId, this.clock.now().toISOString());
      return view;
    });
  }

  private async viewOf(manager: EntityManager, businessDate: string): Promise<DayView> {
    return viewOf(businessDate, await this.days.onDate(manager, businessDate), await this.closes.onDate(manager, businessDate));
  }
}

function assertDate(businessDate: string): void {
  if (!BUSINESS_DATE_PATTERN.test(businessDate)) throw new DomainError('VALIDATION_FAILED', `businessDate ${businessDate} is not YYYY-MM-DD`);
}

function viewOf(businessDate: string, days: BankDay[], closes: DayClose[]): DayView {
  return {
    businessDate,
    banks: days.map((day) => {
      const stalledReason = closes.find((close) => close.bankCode === day.bankCode)?.stalledReason;
      return {
        bankCode: day.bankCode,
        phase: day.phase,
        openBreaks: day.openBreaks,
        ...(day.deferredReason ? { deferredReason: day.deferredReason } : {}),
        ...(stalledReason ? { stalledReason } : {}),
      };
    }),
  };
}
