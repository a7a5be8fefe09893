import { bankStatusReported } from '@custody/contracts';
import { silentLogger as logger } from '../platform/adapter-logger';
import { RecordingEnvelopePublisher } from '../testing/recording.publisher';
import type { InstanceRecord, SessionRegistry } from './session-registry';
import { StatusBroadcastingRegistry } from './status-broadcast.registry';

class MemoryRegistry implements SessionRegistry {
  readonly records = new Map<string, InstanceRecord>();
  async announce(record: InstanceRecord) {
    this.records.set(record.instanceId, record);
  }
  async withdraw(instanceId: string) {
    this.records.delete(instanceId);
  }
  async instances() {
    return [...this.records.values()];
  }
  async isAlive(instanceId: string) {
    return this.records.has(instanceId);
  }
}

const record: InstanceRecord = {
  instanceId: 'i-1',
  bankCode: '1021000',
  startedAt: '2026-11-21T01:00:00.000Z',
  updatedAt: '2026-11-21T02:00:00.000Z',
  sessions: { up: 1, total: 2, detail: [] },
  breaker: 'HALF_OPEN',
};


describe('bank status broadcast (for GET /v1/banks)', () => {
  it('every announcement to the replicas is also reported to the hub, keyed by bank', async () => {
    const publisher = new RecordingEnvelopePublisher();
    const inner = new MemoryRegistry();
    await new StatusBroadcastingRegistry(inner, publisher, logger).announce(record);
    await new Promise((r) => setImmediate(r));
    expect(inner.records.get('i-1')).toEqual(record);
    expect(publisher.envelopesOf(bankStatusReported)).toEqual([
      expect.objectContaining({
        key: '1021000',
        payload: { bankCode: '1021000', adapterInstanceId: 'i-1', sessionsUp: 1, sessionsTotal: 2, breaker: 'HALF_OPEN', reportedAt: record.updatedAt, stopping: false },
      }),
    ]);
  });

  it('a stopping process reports no sessions from it any more', async () => {
    const publisher = new RecordingEnvelopePublisher();
    await new StatusBroadcastingRegistry(new MemoryRegistry(), publisher, logger).reportStopping(record);
    expect(publisher.envelopesOf(bankStatusReported)[0].payload).toMatchObject({ sessionsUp: 0, stopping: true });
  });

  it('a failed publish does not stop the replicas from seeing the announcement', async () => {
    const publisher = new RecordingEnvelopePublisher();
    publisher.failures = 1;
    const inner = new MemoryRegistry();
    await new StatusBroadcastingRegistry(inner, publisher, logger).announce(record);
    expect(inner.records.has('i-1')).toBe(true);
  });
});
