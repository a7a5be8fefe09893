import { timingSafeEqual } from 'node:crypto';
import { inspect } from 'node:util';
import { PASSWORD_TYPE, type PasswordType, TRIPLE_DES_MODE } from './code-lists';
import type { Password } from './components';
import { KeyMaterialError, PinBlockError } from './protocol-errors';
import { tripleDesEcbDecrypt, tripleDesEcbEncrypt } from './triple-des';

const REDACTED = '[ClearPin]';

/**
 * A clear PIN. It refuses to show itself in logs, JSON or `util.inspect`, so a clear password can
 * only leave the process by someone calling `reveal()` on purpose (profile §2 "Passwords").
 */
export class ClearPin {
  private constructor(private readonly digits: string) {}

  /** ISO 9564 format 0 holds 4 to 12 digits. The error never echoes the input. */
  static of(pin: string): ClearPin {
    if (typeof pin !== 'string' || !/^[0-9]{4,12}$/.test(pin)) throw new PinBlockError('a PIN has 4 to 12 digits');
    return new ClearPin(pin);
  }

  reveal(): string {
    return this.digits;
  }

  get length(): number {
    return this.digits.length;
  }

  equals(other: ClearPin): boolean {
    const a = Buffer.from(this.digits.padEnd(12, 'F'));
    const b = Buffer.from(other.digits.padEnd(12, 'F'));
    return timingSafeEqual(a, b);
  }

  toString(): string {
    return REDACTED;
  }

  toJSON(): string {
    return REDACTED;
  }

  [inspect.custom](): string {
    return REDACTED;
  }
}

/**
 * The account field of ISO 9564 format 0, as the profile fixes it: the 12 rightmost digits of the
 * account `Id` excluding its last digit (the check digit in a card PAN), left-padded with zeros.
 */
export function pinAccountField(accountId: string): string {
  if (!/^[0-9]{1,35}$/.test(accountId)) throw new PinBlockError('the PIN block account field needs an all-digit account Id');
  return accountId.slice(0, -1).slice(-12).padStart(12, '0');
}

/** The clear 8-byte format-0 block: (0, length, PIN, F padding) XOR (0000, account field). */
export function formatZeroPinBlock(pin: ClearPin, accountId: string): Buffer {
  const pinField = Buffer.from(`0${pin.length.toString(16)}${pin.reveal()}`.padEnd(16, 'F'), 'hex');
  const accountField = Buffer.from(`0000${pinAccountField(accountId)}`, 'hex');
  const block = Buffer.alloc(8);
  for (let i = 0; i < 8; i += 1) block[i] = pinField[i] ^ accountField[i];
  pinField.fill(0);
  return block;
}

/** The `Pwd` value: the format-0 block under the session PIN key, 2-key 3DES-ECB, uppercase hex. */
export function encryptPinBlock(pinKey: Buffer, pin: ClearPin, accountId: string): string {
  const block = formatZeroPinBlock(pin, accountId);
  try {
    return tripleDesEcbEncrypt(pinKey, block).toString('hex').toUpperCase();
  } finally {
    block.fill(0);
  }
}

/**
 * The clear format-0 block (PIN field XOR account field) inside a `Pwd` value. Only PIN translation and
 * `extractPin` use it: the block alone does not show the digits, and translation never takes them out.
 */
export function decryptPinBlock(pinKey: Buffer, encryptedHex: string): Buffer {
  if (!/^[0-9A-Fa-f]{16}$/.test(encryptedHex)) throw new PinBlockError('an encrypted PIN block is 16 hex characters');
  try {
    return tripleDesEcbDecrypt(pinKey, Buffer.from(encryptedHex, 'hex'));
  } catch (error) {
    if (error instanceof KeyMaterialError) throw error;
    throw new PinBlockError('PIN block cannot be decrypted');
  }
}

/**
 * The PIN of a clear format-0 block made for `accountId`. Any malformation (wrong account, wrong key,
 * bad padding) is one `PinBlockError`, so the error says nothing about which digit failed. The block
 * is zeroed.
 */
export function pinFromFormatZeroBlock(block: Buffer, accountId: string): ClearPin {
  try {
    if (block.length !== 8) throw new PinBlockError('a format-0 PIN block is 8 bytes');
    const accountField = Buffer.from(`0000${pinAccountField(accountId)}`, 'hex');
    for (let i = 0; i < 8; i += 1) block[i] ^= accountField[i];
    const pinField = block.toString('hex').toUpperCase();
    const length = parseInt(pinField[1], 16);
    const valid =
      pinField[0] === '0' &&
      length >= 4 &&
      length <= 12 &&
      /^[0-9]+$/.test(pinField.slice(2, 2 + length)) &&
      /^F*$/.test(pinField.slice(2 + length));
    if (!valid) throw new PinBlockError('not a valid ISO 9564 format-0 PIN block for this account');
    return ClearPin.of(pinField.slice(2, 2 + length));
  } finally {
    block.fill(0);
  }
}

/** Recovers the PIN from an encrypted block (`decryptPinBlock`, then `pinFromFormatZeroBlock`). */
export function extractPin(pinKey: Buffer, encryptedHex: string, accountId: string): ClearPin {
  return pinFromFormatZeroBlock(decryptPinBlock(pinKey, encryptedHex), accountId);
}

/** Checks a received `Pwd` against the PIN on record. A malformed block is a wrong password, not an error. */
export function verifyPinBlock(pinKey: Buffer, encryptedHex: string, accountId: string, expected: ClearPin): boolean {
  try {
    return extractPin(pinKey, encryptedHex, accountId).equals(expected);
  } catch (error) {
    if (error instanceof PinBlockError) return false;
    throw error;
  }
}

/**
 * The `Pwd` component for an account. Type defaults to `1` (取款), which the profile requires wherever
 * the password authorises moving money or a relationship (11001, 11006, 12001, 12002).
 */
export function passwordComponent(
  pinKey: Buffer,
  pin: ClearPin,
  accountId: string,
  type: PasswordType = PASSWORD_TYPE.WITHDRAWAL,
): Password {
  return { Type: type, Enc: TRIPLE_DES_MODE, Pwd: encryptPinBlock(pinKey, pin, accountId) };
}
