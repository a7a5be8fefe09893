import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import type { Completion, CompletedCall, SagaFlow } from '../engine/saga-flow';
import { withPayload } from '../engine/saga-flow';
import type { TimerRow } from '../engine/saga-store';
import { DayCloseService } from './day-close.service';
import { DayCycleService } from './day-cycle.service';
import { CLOSE_TIMER_STEPS, type DayCallPurpose } from './day-decisions';
import { dayPayload } from './day-payload';

/**
 * A bank's day (bank-protocol.md §7) as the engine sees it: its calls' completions and its timed steps go to the day
 * cycle (13012 / 13011, the window, the settling wait) or to the day's close (13010 and the files).
 */
@Injectable()
export class DaySaga implements SagaFlow {
  readonly kind = 'DAY';

  constructor(
    private readonly days: DayCycleService,
    private readonly dayClose: DayCloseService,
  ) {}

  async onCallCompleted(manager: EntityManager, { call, saga }: CompletedCall, completion: Completion): Promise<void> {
    // A DAY saga is done once its day is reconciled or deferred; a deferred day's close still makes its calls.
    const day = withPayload(saga, dayPayload);
    const purpose = call.purpose as DayCallPurpose;
    if (purpose === 'SUMMARY_CHECK') await this.dayClose.onSummaryCheckCompleted(manager, day, completion);
    else await this.days.onCallCompleted(manager, day, purpose, completion);
  }

  async onStep(manager: EntityManager, timer: TimerRow): Promise<void> {
    if (CLOSE_TIMER_STEPS.includes(timer.purpose ?? '')) await this.dayClose.onStep(manager, timer);
    else await this.days.onStep(manager, timer);
  }
}
