import { bankStatusReported } from '@custody/contracts';
import { type AdapterLogger, describeError } from '../platform/adapter-logger';
import type { EnvelopePublisher } from '../platform/envelope.publisher';
import type { InstanceRecord, SessionRegistry } from './session-registry';

type BreakerState = 'CLOSED' | 'OPEN' | 'HALF_OPEN';

/**
 * Tells the rest of the hub what the replicas already tell each other through Redis: each announcement
 * (on every change and every refresh) is also published as `bank.status-reported`, from which the saga
 * serves `GET /v1/banks`. Publishing is best effort: a lost report is replaced by the next refresh.
 */
export class StatusBroadcastingRegistry implements SessionRegistry {
  constructor(
    private readonly inner: SessionRegistry,
    private readonly publisher: EnvelopePublisher,
    private readonly logger: AdapterLogger,
  ) {}

  async announce(record: InstanceRecord): Promise<void> {
    this.report(record, false);
    await this.inner.announce(record);
  }

  async withdraw(instanceId: string): Promise<void> {
    await this.inner.withdraw(instanceId);
  }

  /** The last report of a process that is stopping: no sessions from it any more. */
  async reportStopping(record: InstanceRecord): Promise<void> {
    await this.publish(record, true);
  }

  instances(): Promise<InstanceRecord[]> {
    return this.inner.instances();
  }

  isAlive(instanceId: string): Promise<boolean | undefined> {
    return this.inner.isAlive(instanceId);
  }

  private report(record: InstanceRecord, stopping: boolean): void {
    this.publish(record, stopping).catch((error: unknown) => this.logger.debug({ error: describeError(error) }, 'bank status not published'));
  }

  private publish(record: InstanceRecord, stopping: boolean): Promise<void> {
    return this.publisher.publish(
      bankStatusReported,
      {
        bankCode: record.bankCode,
        adapterInstanceId: record.instanceId,
        sessionsUp: stopping ? 0 : record.sessions.up,
        sessionsTotal: record.sessions.total,
        breaker: record.breaker as BreakerState,
        reportedAt: record.updatedAt,
        stopping,
      },
      { key: record.bankCode },
    );
  }
}
