import { randomBytes } from 'node:crypto';
import { SecretSealer } from './secret-sealer';

describe('SecretSealer', () => {
  const sealer = new SecretSealer(randomBytes(32));

  it('seals so that the clear value never appears in the sealed text, and opens it again', () => {
    const sealed = sealer.seal('110101199003071234');
    expect(sealed.sealed).not.toContain('1101011990');
    expect(sealer.open(sealed)).toBe('110101199003071234');
  });

  it('refuses a tampered secret', () => {
    const sealed = sealer.seal('123456');
    const raw = Buffer.from(sealed.sealed, 'base64');
    raw[raw.length - 1] ^= 1;
    expect(() => sealer.open({ sealed: raw.toString('base64') })).toThrow();
  });

  it('refuses a secret sealed under another key', () => {
    expect(() => new SecretSealer(randomBytes(32)).open(sealer.seal('123456'))).toThrow();
  });
});
