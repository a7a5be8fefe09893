import { Injectable, Logger } from '@nestjs/common';
import { setTimeout as sleep } from 'node:timers/promises';
import { ConversionBatchService } from './conversion-batch.service';
import { DormantMarkingService } from './dormant-marking.service';

/**
 * Pre-designations the batches keep with each bank at once: enough to go fast, few enough that a batch of thousands
 * does not crowd a bank's sessions before the customers' own requests.
 */
const MAX_LINES_IN_FLIGHT_PER_BANK = 20;
/** Lines taken per pass, so settling and the markings get their turn during a long batch. */
const LINES_PER_PASS = 50;
const IDLE_MS = 250;

/**
 * The conversion's background work, from the rows alone (nothing held in memory between passes, so any replica, or
 * the next process after a crash, goes on where the last stopped): settle the lines the banks answered, pre-designate
 * the next PENDING lines, and ask the ledger about the next relationships of a dormant marking.
 */
@Injectable()
export class ConversionWorker {
  private readonly logger = new Logger(ConversionWorker.name);
  private running = false;
  private stopping = false;
  private loop: Promise<void> | undefined;

  constructor(
    private readonly batches: ConversionBatchService,
    private readonly markings: DormantMarkingService,
  ) {}

  start(): void {
    this.running = true;
    this.loop = this.run();
  }

  async stop(): Promise<void> {
    this.running = false;
    this.stopping = true;
    await this.loop;
  }

  /** One pass; true when it did anything (the loop then goes on at once). */
  async runOnce(): Promise<boolean> {
    const settled = await this.batches.settleSubmitted();
    let taken = 0;
    while (!this.stopping && taken < LINES_PER_PASS && (await this.batches.processNext(MAX_LINES_IN_FLIGHT_PER_BANK))) taken += 1;
    const asked = await this.markings.requestNextChecks();
    return settled > 0 || taken > 0 || asked;
  }

  private async run(): Promise<void> {
    while (this.running) {
      try {
        if (!(await this.runOnce())) await sleep(IDLE_MS);
      } catch (error) {
        this.logger.error({ err: error }, 'conversion pass failed; trying again');
        await sleep(1000);
      }
    }
  }
}
