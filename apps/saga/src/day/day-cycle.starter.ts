import { Injectable, Logger } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { DayCycleService } from './day-cycle.service';

/** At every start of the saga: the business date set (a fresh database) and every bank's day of it asked for. */
@Injectable()
export class DayCycleStarter {
  private readonly logger = new Logger(DayCycleStarter.name);

  constructor(
    private readonly dataSource: DataSource,
    private readonly cycle: DayCycleService,
  ) {}

  async start(): Promise<void> {
    const businessDate = await this.dataSource.transaction((manager) => this.cycle.resume(manager));
    this.logger.log({ businessDate }, 'day cycle resumed');
  }

  async stop(): Promise<void> {
    // Nothing runs here between starts: the cycle's waits are persisted timers, fired by the TimerPoller.
  }
}
