import type { ConsumerHealth, StuckMessage } from '@custody/messaging';
import type { INestApplication } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { AdapterStatus } from './adapter-status';
import { BankAdapterModule } from './bank-adapter.module';

const status: AdapterStatus = {
  bankCode: '1021000',
  name: 'bank A',
  lead: true,
  instanceId: 'i-1',
  startedAt: '2026-11-20T01:00:00.000Z',
  sessions: { up: 2, total: 2, detail: [] },
  breaker: 'CLOSED',
  pendingBankRequests: 0,
  consumers: { calls: true, replies: true },
};

describe('bank adapter /health', () => {
  let app: INestApplication | undefined;
  afterEach(() => app?.close());

  it('turns degraded (still HTTP 200) naming a stuck call, and reports the bank beside it', async () => {
    const stuck: StuckMessage[] = [];
    const calls = { health: (): ConsumerHealth => ({ running: true, stuck }) };
    const replies = { health: (): ConsumerHealth => ({ running: true, stuck: [] }) };
    app = await NestFactory.create(BankAdapterModule.register({ status: () => status, consumers: [calls, replies] }), { logger: false });
    await app.listen(0, '127.0.0.1');
    const health = async (): Promise<{ httpStatus: number; body: Record<string, unknown> }> => {
      const response = await fetch(`${await app!.getUrl()}/health`);
      return { httpStatus: response.status, body: (await response.json()) as Record<string, unknown> };
    };
    expect(await health()).toMatchObject({ httpStatus: 200, body: { status: 'ok' } });

    const call = { groupId: 'bank-adapter-1021000', topic: 'custody.internal.bank.call-requested.1021000.1', partition: 5, offset: '77', messageId: 'm-1', since: '2026-11-20T01:00:00.000Z', attempts: 9, lastError: 'Redis unavailable' };
    stuck.push(call);
    expect(await health()).toMatchObject({
      httpStatus: 200,
      body: { status: 'degraded', details: { bank: { status: 'up', bankCode: '1021000' }, consumers: { status: 'up', degraded: true, stuck: [call] } } },
    });
  });
});
