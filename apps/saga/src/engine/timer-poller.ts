import { Injectable, Logger } from '@nestjs/common';
import { setTimeout as sleep } from 'node:timers/promises';
import { DataSource } from 'typeorm';
import { SagaEngine } from './saga-engine';
import { SagaStore, type TimerRow } from './saga-store';

/**
 * Fires persisted timers, each in its own transaction: claimed and handled together, so a crash in between
 * leaves it unfired for another poll (here or in another replica). A timer whose handling fails is
 * postponed with its error recorded, so one broken saga never holds up every other deadline and query.
 */
@Injectable()
export class TimerPoller {
  private readonly logger = new Logger(TimerPoller.name);
  private running = false;
  private loop: Promise<void> | undefined;

  constructor(
    private readonly dataSource: DataSource,
    private readonly store: SagaStore,
    private readonly engine: SagaEngine,
  ) {}

  start(): void {
    this.running = true;
    this.loop = this.run();
  }

  async stop(): Promise<void> {
    this.running = false;
    await this.loop;
  }

  /** Fires up to `limit` due timers; returns how many were taken (fired or postponed). */
  async fireDue(limit = 50): Promise<number> {
    let taken = 0;
    while (taken < limit && (await this.fireOne())) taken += 1;
    return taken;
  }

  private async fireOne(): Promise<boolean> {
    let claimed: TimerRow | undefined;
    try {
      return await this.dataSource.transaction(async (manager) => {
        [claimed] = await this.store.claimDueTimers(manager, 1);
        if (!claimed) return false;
        await this.engine.onTimer(manager, claimed);
        return true;
      });
    } catch (error) {
      if (!claimed) throw error;
      const timer = claimed;
      this.logger.error({ err: error, timerId: timer.timer_id, sagaId: timer.saga_id, kind: timer.kind }, 'saga timer failed; postponed, needs a look if it keeps failing');
      await this.dataSource.transaction((manager) => this.store.postponeTimer(manager, timer.timer_id, error instanceof Error ? error.message : String(error)));
      return true;
    }
  }

  private async run(): Promise<void> {
    while (this.running) {
      try {
        const fired = await this.fireDue();
        if (fired === 0) await sleep(200);
      } catch (e) {
        this.logger.error({ err: e }, 'timer pass failed; retrying');
        await sleep(1000);
      }
    }
  }
}
