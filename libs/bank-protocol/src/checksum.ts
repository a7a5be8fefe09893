import { createHmac, timingSafeEqual } from 'node:crypto';

/**
 * Profile §2 CheckSum modes, both computed over the exact GB18030 bytes of the `<MsgText>…</MsgText>`
 * element as sent (never over a re-serialisation: a reader could not reproduce that byte for byte).
 * - `SUM256`: JR/T 0046 §4.3.3.7's checksum, the byte sum mod 256 as a decimal number.
 * - `HMAC-SM3`: the signing §4.3.3.7 allows; uppercase hex, keyed with the session MAC key
 *   (the exchange key until the first key sync).
 */
export const CHECKSUM_MODES = ['SUM256', 'HMAC-SM3'] as const;
export type ChecksumMode = (typeof CHECKSUM_MODES)[number];

export function sum256(bytes: Buffer): string {
  let sum = 0;
  for (const byte of bytes) sum = (sum + byte) & 0xff;
  return String(sum);
}

export function hmacSm3Hex(key: Buffer, data: Buffer | string): string {
  return createHmac('sm3', key).update(data).digest('hex').toUpperCase();
}

export function computeCheckSum(mode: ChecksumMode, msgText: Buffer, macKey: Buffer): string {
  return mode === 'SUM256' ? sum256(msgText) : hmacSm3Hex(macKey, msgText);
}

export function verifyCheckSum(mode: ChecksumMode, msgText: Buffer, checkSum: string | undefined, macKey: Buffer): boolean {
  if (checkSum === undefined) return false;
  if (mode === 'SUM256') return /^[0-9]{1,3}$/.test(checkSum) && Number(checkSum) === Number(sum256(msgText));
  if (!/^[0-9A-Fa-f]{64}$/.test(checkSum)) return false;
  // Constant time, so a forger learns nothing from how fast a wrong MAC is refused.
  return timingSafeEqual(Buffer.from(hmacSm3Hex(macKey, msgText), 'hex'), Buffer.from(checkSum, 'hex'));
}
