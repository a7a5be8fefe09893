import { createPublicKey, generateKeyPairSync, type KeyObject } from 'node:crypto';
import { readFundPinPrivateKey, readFundPinPublicKey } from './fund-pin-keys';

const pair = generateKeyPairSync('rsa', { modulusLength: 2048 });
const privatePem = pair.privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
const publicPem = pair.publicKey.export({ type: 'spki', format: 'pem' }).toString();
const der = (key: KeyObject) => (key.type === 'public' ? key : createPublicKey(key)).export({ type: 'spki', format: 'der' });

describe('fund-PIN verifier keys from the environment', () => {
  it('each process reads its own half: the private key (account) and the public key (adapters, transfer)', () => {
    expect(der(readFundPinPrivateKey({ FUND_PIN_PRIVATE_KEY: privatePem }))).toEqual(der(pair.publicKey));
    expect(der(readFundPinPublicKey({ FUND_PIN_PUBLIC_KEY: publicPem }))).toEqual(der(pair.publicKey));
  });

  it('a PEM on one line with \\n escapes (as environment files carry it) is read', () => {
    expect(der(readFundPinPublicKey({ FUND_PIN_PUBLIC_KEY: publicPem.replace(/\n/g, '\\n') }))).toEqual(der(pair.publicKey));
  });

  it('outside production an unset key is the development pair, whose halves match', () => {
    expect(der(readFundPinPrivateKey({}))).toEqual(der(readFundPinPublicKey({})));
  });

  it('production refuses to start without a key, and with the development key', () => {
    expect(() => readFundPinPrivateKey({ NODE_ENV: 'production' })).toThrow('FUND_PIN_PRIVATE_KEY must be set in production');
    expect(() => readFundPinPublicKey({ NODE_ENV: 'production' })).toThrow('FUND_PIN_PUBLIC_KEY must be set in production');
    const devPublicPem = readFundPinPublicKey({}).export({ type: 'spki', format: 'pem' }).toString();
    expect(() => readFundPinPublicKey({ NODE_ENV: 'production', FUND_PIN_PUBLIC_KEY: devPublicPem })).toThrow('development key');
    expect(der(readFundPinPublicKey({ NODE_ENV: 'production', FUND_PIN_PUBLIC_KEY: publicPem }))).toEqual(der(pair.publicKey));
  });

  it('a private key where only the public key belongs is refused, and an unreadable value is not quoted', () => {
    expect(() => readFundPinPublicKey({ FUND_PIN_PUBLIC_KEY: privatePem })).toThrow('holds a private key');
    expect(() => readFundPinPrivateKey({ FUND_PIN_PRIVATE_KEY: 'not-a-key-246810' })).toThrow(/^FUND_PIN_PRIVATE_KEY is not a readable PEM key$/);
  });
});
