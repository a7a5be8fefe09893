import { createHash, createHmac, randomBytes } from 'node:crypto';
import { Money } from '@custody/money';
import { deriveDigestKey, requestDigest } from './idempotency';

describe('requestDigest', () => {
  const key = deriveDigestKey(randomBytes(32));

  it('api.md idempotency: the same body in another key order is the same request', () => {
    expect(requestDigest(key, { a: '1', b: { c: 2, d: [1, 2] } })).toBe(requestDigest(key, { b: { d: [1, 2], c: 2 }, a: '1' }));
  });

  it('a different amount is a different request', () => {
    expect(requestDigest(key, { amount: '100.00' })).not.toBe(requestDigest(key, { amount: '100.01' }));
  });

  it('a body whose amount was read as Money digests as its decimal string, as the body did before it was parsed', () => {
    expect(requestDigest(key, { amount: Money.parse('100.00') })).toBe(requestDigest(key, { amount: '100.00' }));
    expect(requestDigest(key, { amount: Money.parse('100.00') })).not.toBe(requestDigest(key, { amount: Money.parse('100.01') }));
  });

  describe('domain.md §3, §14: a stored digest gives no way to try PINs', () => {
    const body = { requestId: 'r-1', fundAccountNo: '100000000001', amount: '10.00', bankPassword: '123456' };
    const clear = '{"amount":"10.00","bankPassword":"123456","fundAccountNo":"100000000001","requestId":"r-1"}';

    it('depends on the server secret: the same body under two sealing keys has unrelated digests', () => {
      expect(requestDigest(deriveDigestKey(randomBytes(32)), body)).not.toBe(requestDigest(deriveDigestKey(randomBytes(32)), body));
    });

    it('is none of the digests computable without the secret', () => {
      const digest = requestDigest(key, body);
      const sha = createHash('sha256').update(clear).digest();
      expect(digest).toMatch(/^[0-9a-f]{64}$/);
      expect(digest).not.toBe(sha.toString('hex'));
      expect(digest).not.toBe(createHash('sha256').update(sha).digest('hex'));
      expect(digest).not.toBe(createHmac('sha256', Buffer.alloc(0)).update(sha).digest('hex'));
    });

    it('uses a key derived for this purpose, never the sealing key itself', () => {
      const sealingKey = randomBytes(32);
      const derived = deriveDigestKey(sealingKey);
      expect(derived.equals(sealingKey)).toBe(false);
      const sha = createHash('sha256').update(clear).digest();
      expect(requestDigest(derived, body)).toBe(createHmac('sha256', derived).update(sha).digest('hex'));
      expect(requestDigest(derived, body)).not.toBe(createHmac('sha256', sealingKey).update(sha).digest('hex'));
    });
  });

  it('refuses a sealing key of the wrong size', () => {
    expect(() => deriveDigestKey(Buffer.alloc(16))).toThrow('32 bytes');
  });
});
