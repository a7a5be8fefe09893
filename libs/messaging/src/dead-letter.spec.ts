import { buildDeadLetterMessage, readDeadLetterRecord, replayOf } from './dead-letter';

function asReceived(headers: Record<string, unknown> | undefined): Record<string, Buffer> {
  return Object.fromEntries(Object.entries(headers ?? {}).map(([name, header]) => [name, Buffer.from(String(header))]));
}

describe('dead-letter record', () => {
  it('keeps the original bytes, key and headers and says where the message came from, which message it was, who refused it, why and with which code', () => {
    const value = Buffer.from([0xff, 0x00, 0x7b]);
    const message = buildDeadLetterMessage(
      { topic: 't', partition: 2, offset: '41', consumerGroup: 'transfer', messageId: 'm-1', key: Buffer.from('880001'), value, headers: { 'correlation-id': 'c' } },
      { reason: 'handler refused: HOLD_NOT_ACTIVE: hold h is not active', errorCode: 'HOLD_NOT_ACTIVE' },
      new Date('2026-11-20T01:02:03.000Z'),
    );
    expect(message.value).toBe(value);
    const record = readDeadLetterRecord({ key: Buffer.from('880001'), value, headers: asReceived(message.headers) });
    expect(record).toEqual({
      originalTopic: 't',
      originalPartition: 2,
      originalOffset: '41',
      consumerGroup: 'transfer',
      messageId: 'm-1',
      reason: 'handler refused: HOLD_NOT_ACTIVE: hold h is not active',
      errorCode: 'HOLD_NOT_ACTIVE',
      failedAt: '2026-11-20T01:02:03.000Z',
      key: Buffer.from('880001'),
      value,
      originalHeaders: { 'correlation-id': Buffer.from('c') },
    });
  });

  it('an unreadable record has no message id or code, only its reason', () => {
    const message = buildDeadLetterMessage({ topic: 't', partition: 0, offset: '0', consumerGroup: 'g', key: null, value: Buffer.from('{') }, { reason: 'not JSON' });
    const record = readDeadLetterRecord({ key: null, value: Buffer.from('{'), headers: asReceived(message.headers) });
    expect(record).toMatchObject({ reason: 'not JSON' });
    expect(record).not.toHaveProperty('messageId');
    expect(record).not.toHaveProperty('errorCode');
  });

  it('a replay goes to the original topic with the original key, bytes and headers, and nothing of the detour', () => {
    const value = Buffer.from('{"id":"m-1"}');
    const message = buildDeadLetterMessage(
      { topic: 'custody.internal.transfer.outcome.1', partition: 3, offset: '7', consumerGroup: 'transfer', messageId: 'm-1', key: Buffer.from('880001'), value, headers: { 'correlation-id': 'c' } },
      { reason: 'handler refused', errorCode: 'HOLD_NOT_ACTIVE' },
    );
    const record = readDeadLetterRecord({ key: Buffer.from('880001'), value, headers: asReceived(message.headers) });
    expect(replayOf(record!)).toEqual({
      topic: 'custody.internal.transfer.outcome.1',
      message: { key: Buffer.from('880001'), value, headers: { 'correlation-id': Buffer.from('c') } },
    });
  });

  it('cuts an enormous reason so that the record stays within header limits', () => {
    const message = buildDeadLetterMessage({ topic: 't', partition: 0, offset: '0', consumerGroup: 'g', key: null, value: null }, { reason: 'x'.repeat(10_000) });
    expect(String(message.headers?.['x-dead-letter-reason']).length).toBe(2_000);
  });

  it('a record without dead-letter headers is not a dead letter', () => {
    expect(readDeadLetterRecord({ key: null, value: Buffer.from('x'), headers: {} })).toBeUndefined();
  });
});
