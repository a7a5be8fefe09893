import { generateKeyPairSync } from 'node:crypto';
import { ClearPin, encryptPinBlock, formatZeroPinBlock } from './pin-block';
import { PinVerifierPrivateKey, PinVerifierPublicKey } from './pin-translation';
import { KeyMaterialError, PinBlockError } from './protocol-errors';
import { EXCHANGE_KEY } from './spec-fixtures';

const SESSION_PIN_KEY = EXCHANGE_KEY;
const ACCOUNT = '100000000002';
const BINDING = { attemptId: '1021000:B2026112100000008', fundAccountNo: ACCOUNT };
// 2048 bits: the floor the keys accept, and quick to generate.
const verifier = new PinVerifierPrivateKey(generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey);
const other = new PinVerifierPrivateKey(generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey);

describe('PIN translation (session PIN key → the verifier\'s public key)', () => {
  it('a bank\'s block, translated, recovers to the same PIN with the verifier\'s private key and the fund account', () => {
    const fromBank = encryptPinBlock(SESSION_PIN_KEY, ClearPin.of('246810'), ACCOUNT);
    const translated = verifier.publicKey.translate(SESSION_PIN_KEY, fromBank, BINDING);
    expect(translated.keyId).toBe(verifier.keyId);
    expect(verifier.recover(translated, BINDING).reveal()).toBe('246810');
  });

  it('a PIN typed at our edge, encrypted for the verifier, recovers the same way', () => {
    expect(verifier.recover(verifier.publicKey.encrypt(ClearPin.of('135790'), BINDING), BINDING).reveal()).toBe('135790');
  });

  it('translation re-encrypts the same clear block (PIN field XOR account field): the digits are never taken out on the way', () => {
    const translated = verifier.publicKey.translate(SESSION_PIN_KEY, encryptPinBlock(SESSION_PIN_KEY, ClearPin.of('246810'), ACCOUNT), BINDING);
    const ciphertext = Buffer.from(translated.block, 'base64');
    expect(ciphertext).toHaveLength(256);
    expect(translated.block).not.toContain('246810');
    expect(ciphertext.toString('hex').toUpperCase()).not.toContain(formatZeroPinBlock(ClearPin.of('246810'), ACCOUNT).toString('hex').toUpperCase());
  });

  it('the public key cannot undo its own translation: only the private key opens the block (and another key pair cannot)', () => {
    const translated = verifier.publicKey.translate(SESSION_PIN_KEY, encryptPinBlock(SESSION_PIN_KEY, ClearPin.of('246810'), ACCOUNT), BINDING);
    expect(() => other.recover(translated, BINDING)).toThrow(PinBlockError);
    expect(() => other.recover({ ...translated, keyId: other.keyId }, BINDING)).toThrow(PinBlockError);
    expect(() => new PinVerifierPrivateKey(generateKeyPairSync('rsa', { modulusLength: 2048 }).publicKey)).toThrow(KeyMaterialError);
  });

  it('a translated block opens only for the attempt and fund account it was made for (a copy replayed elsewhere is unreadable)', () => {
    const translated = verifier.publicKey.encrypt(ClearPin.of('246810'), BINDING);
    expect(() => verifier.recover(translated, { ...BINDING, attemptId: '1021000:B2026112100000009' })).toThrow(PinBlockError);
    expect(() => verifier.recover(translated, { ...BINDING, fundAccountNo: '100000000003' })).toThrow(PinBlockError);
  });

  it('a bank block made for another account or under another session key translates, and the verifier finds no PIN in it', () => {
    const forOtherAccount = verifier.publicKey.translate(SESSION_PIN_KEY, encryptPinBlock(SESSION_PIN_KEY, ClearPin.of('246810'), '770000000001'), BINDING);
    expect(() => verifier.recover(forOtherAccount, BINDING)).toThrow(PinBlockError);
    const underOtherKey = verifier.publicKey.translate(SESSION_PIN_KEY, encryptPinBlock(Buffer.alloc(16, 3), ClearPin.of('246810'), ACCOUNT), BINDING);
    expect(() => verifier.recover(underOtherKey, BINDING)).toThrow(PinBlockError);
  });

  it('a value that is no block does not translate (PinBlockError), and errors never quote a PIN', () => {
    expect(() => verifier.publicKey.translate(SESSION_PIN_KEY, 'XYZ', BINDING)).toThrow(PinBlockError);
    const damaged = { keyId: verifier.keyId, block: Buffer.alloc(256, 7).toString('base64') };
    expect(() => verifier.recover(damaged, BINDING)).toThrow(PinBlockError);
  });

  it('keys are RSA of at least 2048 bits', () => {
    expect(() => new PinVerifierPublicKey(generateKeyPairSync('rsa', { modulusLength: 1024 }).publicKey)).toThrow(KeyMaterialError);
    expect(() => new PinVerifierPublicKey(generateKeyPairSync('ec', { namedCurve: 'P-256' }).publicKey)).toThrow(KeyMaterialError);
  });
});
