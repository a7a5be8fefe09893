import { randomBytes, timingSafeEqual } from 'node:crypto';
import { hmacSm3Hex } from './checksum';
import { KEY_TYPE, TRIPLE_DES_MODE } from './code-lists';
import type { PasswordKey } from './components';
import { KeyMaterialError } from './protocol-errors';
import { TRIPLE_DES_KEY_BYTES, tripleDesEcbDecrypt, tripleDesEcbEncrypt } from './triple-des';

/**
 * Profile §2 keys. The exchange key (交换密钥, KeyType 0) is pre-shared per bank; the PIN and MAC
 * working keys belong to one session and travel under the exchange key in the key sync (10004).
 * Nothing here logs or stringifies a key.
 */

export const KEY_BYTES = TRIPLE_DES_KEY_BYTES;

export interface WorkingKeys {
  readonly pinKey: Buffer;
  readonly macKey: Buffer;
}

/** Reads a key given as 32 hex characters (how configuration holds the exchange key). */
export function parseKeyHex(hex: string): Buffer {
  if (!/^[0-9A-Fa-f]{32}$/.test(hex)) throw new KeyMaterialError(`a key is ${KEY_BYTES * 2} hex characters`);
  return Buffer.from(hex, 'hex');
}

function requireKey(key: Buffer, what: string): void {
  if (key.length !== KEY_BYTES) throw new KeyMaterialError(`${what} must be ${KEY_BYTES} bytes`);
}

/**
 * Sign-in `AuthData`: uppercase hex HMAC-SM3, keyed with the 16 raw exchange-key bytes, over the ASCII
 * string sender InstId + Date + Time taken from the sign-in's own header.
 */
export function computeAuthData(exchangeKey: Buffer, senderInstId: string, date: string, time: string): string {
  requireKey(exchangeKey, 'the exchange key');
  return hmacSm3Hex(exchangeKey, Buffer.from(`${senderInstId}${date}${time}`, 'ascii'));
}

export function verifyAuthData(exchangeKey: Buffer, senderInstId: string, date: string, time: string, authData: string): boolean {
  if (!/^[0-9A-Fa-f]{64}$/.test(authData)) return false;
  const expected = Buffer.from(computeAuthData(exchangeKey, senderInstId, date, time), 'hex');
  return timingSafeEqual(expected, Buffer.from(authData, 'hex'));
}

/** 16 fresh random bytes per working key (profile §2). */
export function generateWorkingKeys(): WorkingKeys {
  return { pinKey: randomBytes(KEY_BYTES), macKey: randomBytes(KEY_BYTES) };
}

/** A working key encrypted under the exchange key: 2-key 3DES-ECB, 32 uppercase hex characters. */
export function wrapWorkingKey(exchangeKey: Buffer, workingKey: Buffer): string {
  requireKey(exchangeKey, 'the exchange key');
  requireKey(workingKey, 'a working key');
  return tripleDesEcbEncrypt(exchangeKey, workingKey).toString('hex').toUpperCase();
}

export function unwrapWorkingKey(exchangeKey: Buffer, wrapped: string): Buffer {
  requireKey(exchangeKey, 'the exchange key');
  return tripleDesEcbDecrypt(exchangeKey, parseKeyHex(wrapped));
}

/** The two `PwdKey` components of a key sync: PIN key (KeyType 1), then MAC key (KeyType 2). */
export function keySyncComponents(exchangeKey: Buffer, keys: WorkingKeys): PasswordKey[] {
  return [
    { KeyType: KEY_TYPE.PIN, Enc: TRIPLE_DES_MODE, PwdKey: wrapWorkingKey(exchangeKey, keys.pinKey) },
    { KeyType: KEY_TYPE.MAC, Enc: TRIPLE_DES_MODE, PwdKey: wrapWorkingKey(exchangeKey, keys.macKey) },
  ];
}

/** Reads a key sync: exactly one PIN key and one MAC key, each `Enc` 02. */
export function readKeySyncComponents(exchangeKey: Buffer, components: readonly PasswordKey[]): WorkingKeys {
  const byType = new Map<string, Buffer>();
  for (const component of components) {
    if (component.KeyType !== KEY_TYPE.PIN && component.KeyType !== KEY_TYPE.MAC) {
      throw new KeyMaterialError(`key sync carries an unexpected KeyType ${String(component.KeyType)}`);
    }
    if (component.Enc !== TRIPLE_DES_MODE) throw new KeyMaterialError('key sync keys must be encrypted with Enc 02');
    if (byType.has(component.KeyType)) throw new KeyMaterialError(`key sync carries KeyType ${component.KeyType} twice`);
    byType.set(component.KeyType, unwrapWorkingKey(exchangeKey, component.PwdKey ?? ''));
  }
  const pinKey = byType.get(KEY_TYPE.PIN);
  const macKey = byType.get(KEY_TYPE.MAC);
  if (!pinKey || !macKey) throw new KeyMaterialError('key sync must carry a PIN key and a MAC key');
  return { pinKey, macKey };
}
