import { buildDeadLetterMessage, readDeadLetterRecord } from './dead-letter';

describe('dead-letter record', () => {
  it('keeps the original bytes and key and says where the message came from, who refused it and why', () => {
    const value = Buffer.from([0xff, 0x00, 0x7b]);
    const message = buildDeadLetterMessage(
      { topic: 't', partition: 2, offset: '41', consumerGroup: 'transfer', key: Buffer.from('880001'), value, headers: { 'correlation-id': 'c' } },
      'payload invalid: payload.amount: Expected string',
      new Date('2026-11-20T01:02:03.000Z'),
    );
    expect(message.value).toBe(value);
    const headers = Object.fromEntries(Object.entries(message.headers ?? {}).map(([name, header]) => [name, Buffer.from(String(header))]));
    const record = readDeadLetterRecord({ key: Buffer.from('880001'), value, headers });
    expect(record).toEqual({
      originalTopic: 't',
      originalPartition: 2,
      originalOffset: '41',
      consumerGroup: 'transfer',
      reason: 'payload invalid: payload.amount: Expected string',
      failedAt: '2026-11-20T01:02:03.000Z',
      key: Buffer.from('880001'),
      value,
    });
    expect(headers['correlation-id']?.toString()).toBe('c');
  });

  it('cuts an enormous reason so that the record stays within header limits', () => {
    const message = buildDeadLetterMessage({ topic: 't', partition: 0, offset: '0', consumerGroup: 'g', key: null, value: null }, 'x'.repeat(10_000));
    expect(String(message.headers?.['x-dead-letter-reason']).length).toBe(2_000);
  });

  it('a record without dead-letter headers is not a dead letter', () => {
    expect(readDeadLetterRecord({ key: null, value: Buffer.from('x'), headers: {} })).toBeUndefined();
  });
});
