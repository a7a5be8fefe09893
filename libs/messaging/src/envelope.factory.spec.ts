import { envelopeSchema } from '@custody/contracts';
import { Money } from '@custody/money';
import { newEnvelope, InvalidOutgoingMessageError } from './envelope.factory';
import { creditPostedTopic } from './testing/credit.fixture';

const credit = { creditId: 'c-1', fundAccountNo: '880001', amount: '100.50' };

describe('newEnvelope', () => {
  it('builds a valid envelope: uuid id, ISO occurredAt, type and version from the topic', () => {
    const envelope = newEnvelope(creditPostedTopic, credit, { key: '880001' });
    expect(envelopeSchema.safeParse(envelope).success).toBe(true);
    expect(envelope).toMatchObject({ type: 'test.credit-posted', version: 1, key: '880001', payload: { ...credit, amount: Money.parse('100.50') } });
    expect(new Date(envelope.occurredAt).toISOString()).toBe(envelope.occurredAt);
  });

  it('a message that starts a flow is its own correlation; a caused message keeps the flow', () => {
    const first = newEnvelope(creditPostedTopic, credit, { key: '880001' });
    expect(first.correlationId).toBe(first.id);
    expect(first.causationId).toBeUndefined();
    const next = newEnvelope(creditPostedTopic, credit, { key: '880001', correlationId: first.correlationId, causationId: first.id, businessDate: '2026-11-20' });
    expect(next).toMatchObject({ correlationId: first.id, causationId: first.id, businessDate: '2026-11-20' });
    expect(next.id).not.toBe(first.id);
  });

  it('refuses to build a message whose payload breaks the topic schema (never publish what consumers must dead-letter)', () => {
    expect(() => newEnvelope(creditPostedTopic, { ...credit, amount: '1.234' }, { key: '880001' })).toThrow(InvalidOutgoingMessageError);
    expect(() => newEnvelope(creditPostedTopic, { ...credit, amount: 12 as unknown as string }, { key: '880001' })).toThrow(/payload for .* invalid: amount/);
  });

  it('refuses an envelope without a partition key or with a malformed business date', () => {
    expect(() => newEnvelope(creditPostedTopic, credit, { key: '' })).toThrow(/key/);
    expect(() => newEnvelope(creditPostedTopic, credit, { key: 'k', businessDate: '20261120' })).toThrow(/businessDate/);
  });
});
