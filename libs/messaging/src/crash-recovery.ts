import type { MessagingLogger } from './messaging.logger';
import { sleep } from './retry.policy';

/** How a consumer is replaced after a crash its client will not restart from. */
export interface CrashRecoveryActions {
  /** Stops what is left of the crashed client (nothing uncommitted is lost: it is delivered again). */
  readonly stop: () => Promise<void>;
  /** Joins the group again with a new client; throws if it could not. */
  readonly start: () => Promise<void>;
  /** Whether the consumer's owner stopped it meanwhile: then it stays stopped. */
  readonly closed: () => boolean;
}

/**
 * kafkajs gives up on some errors for good — a member the coordinator no longer knows after a rebalance, say — and
 * leaves its consumer stopped while the process looks healthy: every message of its topics would wait, unapplied, for
 * as long as the process lives (a fault run saw every transfer stay PENDING). The consumer is replaced instead: the
 * crashed client stops, and a new one joins, tried again with a growing delay (1 s doubling to `maxDelayMs`) until it
 * does or the owner stops the consumer. One replacement at a time.
 */
export class CrashRecovery {
  private replacing = false;

  constructor(
    private readonly actions: CrashRecoveryActions,
    private readonly logger: MessagingLogger,
    private readonly groupId: string,
    private readonly maxDelayMs = 30_000,
    private readonly wait: (ms: number) => Promise<void> = sleep,
  ) {}

  /** Replaces the consumer; resolves once a new client joined, or the owner stopped it. */
  async replace(): Promise<void> {
    if (this.replacing) return;
    this.replacing = true;
    try {
      await this.actions.stop().catch((error: unknown) => this.logger.error({ groupId: this.groupId, error }, 'the crashed consumer did not stop cleanly'));
      for (let attempt = 1; !this.actions.closed(); attempt++) {
        try {
          await this.actions.start();
          this.logger.warn({ groupId: this.groupId, attempt }, 'consumer replaced after a crash its client would not restart from');
          return;
        } catch (error) {
          const delayMs = Math.min(this.maxDelayMs, 1000 * 2 ** (attempt - 1));
          this.logger.error({ groupId: this.groupId, attempt, delayMs, error }, 'consumer could not join again after its crash; trying again');
          await this.wait(delayMs);
        }
      }
    } finally {
      this.replacing = false;
    }
  }
}
