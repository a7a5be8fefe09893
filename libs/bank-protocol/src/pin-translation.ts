import { constants, createHash, createPublicKey, type KeyObject, privateDecrypt, publicEncrypt } from 'node:crypto';
import { type ClearPin, decryptPinBlock, formatZeroPinBlock, pinFromFormatZeroBlock } from './pin-block';
import { KeyMaterialError, PinBlockError } from './protocol-errors';

/**
 * PIN translation, as an HSM does it: a PIN block arrives under one key (the bank session's PIN key) and
 * leaves under another (the key of the one process that verifies PINs), without the digits being taken
 * out on the way. The clear ISO 9564 format-0 block is PIN field XOR account field; translation decrypts
 * it and encrypts the *same* block again, never XORing the account field out, so only the verifier —
 * which knows the account and holds the private key — ever recovers the digits.
 *
 * The verifier's key is asymmetric (RSA-OAEP with SHA-256 and MGF1-SHA-256): whoever translates holds
 * only the public key, so it cannot undo its own translation, and a stolen translating process yields no
 * key that opens the blocks it sent. The OAEP label binds each block to the attempt and fund account it
 * was made for, so a block copied off the wire opens for nothing else.
 */
export const PIN_VERIFIER_SCHEME = 'RSA-OAEP-256';

/** RSA below 2048 bits is not acceptable for new keys (NIST SP 800-131A). */
const MIN_MODULUS_BITS = 2048;
const LABEL_PREFIX = 'custody/pin-verifier/v1';

/** What a block for the verifier is bound to: the attempt it authorises and the account its field carries. */
export interface PinBlockBinding {
  readonly attemptId: string;
  readonly fundAccountNo: string;
}

/** A format-0 PIN block encrypted for the verifier: `keyId` names its key pair, `block` is base64. */
export interface VerifierPinBlock {
  readonly keyId: string;
  readonly block: string;
}

function requireRsa(key: KeyObject, type: 'public' | 'private'): void {
  if (key.type !== type || key.asymmetricKeyType !== 'rsa') throw new KeyMaterialError(`the PIN verifier key must be an RSA ${type} key`);
  if ((key.asymmetricKeyDetails?.modulusLength ?? 0) < MIN_MODULUS_BITS) throw new KeyMaterialError(`the PIN verifier key must have at least ${MIN_MODULUS_BITS} bits`);
}

/** The first 16 hex characters of the SHA-256 of the public key (SPKI DER): enough to tell key pairs apart. */
function keyIdOf(publicKey: KeyObject): string {
  return createHash('sha256').update(publicKey.export({ type: 'spki', format: 'der' })).digest('hex').slice(0, 16);
}

function oaep(key: KeyObject, { attemptId, fundAccountNo }: PinBlockBinding) {
  return { key, padding: constants.RSA_PKCS1_OAEP_PADDING, oaepHash: 'sha256', oaepLabel: Buffer.from(`${LABEL_PREFIX}\n${attemptId}\n${fundAccountNo}`) };
}

/** The verifier's public key, held by every process that hands it PIN blocks. */
export class PinVerifierPublicKey {
  readonly keyId: string;

  constructor(private readonly key: KeyObject) {
    requireRsa(key, 'public');
    this.keyId = keyIdOf(key);
  }

  /**
   * Translates a bank's `Pwd` (a format-0 block under the session PIN key, 16 hex) into a block for the
   * verifier. Throws `PinBlockError` for a value that is no block, `KeyMaterialError` for a bad session key.
   * A block made for another account or under another key still translates: only the verifier can tell.
   */
  translate(sessionPinKey: Buffer, encryptedHex: string, binding: PinBlockBinding): VerifierPinBlock {
    return this.seal(decryptPinBlock(sessionPinKey, encryptedHex), binding);
  }

  /** A PIN typed at our own edge (e.g. `fundPassword` on the API) as a format-0 block for the verifier. */
  encrypt(pin: ClearPin, binding: PinBlockBinding): VerifierPinBlock {
    return this.seal(formatZeroPinBlock(pin, binding.fundAccountNo), binding);
  }

  private seal(clearBlock: Buffer, binding: PinBlockBinding): VerifierPinBlock {
    try {
      return { keyId: this.keyId, block: publicEncrypt(oaep(this.key, binding), clearBlock).toString('base64') };
    } finally {
      clearBlock.fill(0);
    }
  }
}

/** The verifier's private key: held only by the process that checks the PIN against its hash. */
export class PinVerifierPrivateKey {
  readonly keyId: string;
  readonly publicKey: PinVerifierPublicKey;

  constructor(private readonly key: KeyObject) {
    requireRsa(key, 'private');
    this.publicKey = new PinVerifierPublicKey(createPublicKey(key));
    this.keyId = this.publicKey.keyId;
  }

  /**
   * The PIN inside a block made for `binding`. Anything else — another key pair, another attempt or fund
   * account, a damaged block, a format-0 block that does not hold a PIN for this account — is one
   * `PinBlockError`, which says nothing about which part failed.
   */
  recover(pinBlock: VerifierPinBlock, binding: PinBlockBinding): ClearPin {
    if (pinBlock.keyId !== this.keyId) throw new PinBlockError('the PIN block is under another verifier key');
    let clearBlock: Buffer;
    try {
      clearBlock = privateDecrypt(oaep(this.key, binding), Buffer.from(pinBlock.block, 'base64'));
    } catch {
      throw new PinBlockError('PIN block cannot be decrypted');
    }
    return pinFromFormatZeroBlock(clearBlock, binding.fundAccountNo);
  }
}
