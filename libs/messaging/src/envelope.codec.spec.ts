import { decodeEnvelope, encodeEnvelope } from './envelope.codec';
import { newEnvelope } from './envelope.factory';
import { creditPostedTopic } from './testing/credit.fixture';

const valid = newEnvelope(creditPostedTopic, { creditId: 'c-1', fundAccountNo: '880001', amount: '5.00' }, { key: '880001' });

function reasonFor(value: Buffer | null): string {
  const result = decodeEnvelope(creditPostedTopic, value);
  if (result.ok) throw new Error('expected a refusal');
  return result.reason;
}

describe('decodeEnvelope (what a consumer accepts)', () => {
  it('reads back what encodeEnvelope wrote', () => {
    expect(decodeEnvelope(creditPostedTopic, encodeEnvelope(valid))).toEqual({ ok: true, envelope: valid });
  });

  it('refuses an empty value, bytes that are not JSON, and JSON that is not an envelope, saying why', () => {
    expect(reasonFor(null)).toMatch(/empty/);
    expect(reasonFor(Buffer.from('{not json'))).toMatch(/^not JSON/);
    expect(reasonFor(Buffer.from(JSON.stringify({ ...valid, id: 'nope' })))).toMatch(/^envelope invalid: id/);
  });

  it('refuses an envelope of another type or version than the topic carries', () => {
    expect(reasonFor(Buffer.from(JSON.stringify({ ...valid, version: 2 })))).toMatch(/says test.credit-posted v2/);
    expect(reasonFor(Buffer.from(JSON.stringify({ ...valid, type: 'other' })))).toMatch(/says other v1/);
  });

  it('refuses a payload that breaks the topic schema, naming the field (an amount as a JS number included)', () => {
    const bad = { ...valid, payload: { ...valid.payload, amount: 5 } };
    expect(reasonFor(Buffer.from(JSON.stringify(bad)))).toMatch(/^payload invalid: payload\.amount/);
  });
});
