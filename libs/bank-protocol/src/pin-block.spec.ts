import { createCipheriv } from 'node:crypto';
import { inspect } from 'node:util';
import {
  ClearPin,
  encryptPinBlock,
  extractPin,
  formatZeroPinBlock,
  passwordComponent,
  pinAccountField,
  verifyPinBlock,
} from './pin-block';
import { PinBlockError } from './protocol-errors';
import { EXCHANGE_KEY } from './spec-fixtures';

const PIN_KEY = EXCHANGE_KEY;
const ACCOUNT = '6222021234567890123';

function referenceEncrypt(key: Buffer, block: Buffer): string {
  const cipher = createCipheriv('des-ede3-ecb', Buffer.concat([key, key.subarray(0, 8)]), null).setAutoPadding(false);
  return Buffer.concat([cipher.update(block), cipher.final()]).toString('hex').toUpperCase();
}

describe('PIN blocks (profile §2 "Passwords", ISO 9564 format 0)', () => {
  /*
   * Worked example, by hand.
   * Account Id 6222021234567890123: drop the last digit → 622202123456789012; its 12 rightmost
   * digits are 123456789012.        Account field: 0000 1234 5678 9012
   * PIN 123456, 6 digits:           PIN field:     0612 3456 FFFF FFFF
   * XOR, byte by byte:              06^00=06 12^00=12 34^12=26 56^34=62 FF^56=A9 FF^78=87 FF^90=6F FF^12=ED
   * Clear block:                    0612 2662 A987 6FED
   */
  it('ISO 9564 format 0: the hand-computed example 06122662A9876FED', () => {
    expect(pinAccountField(ACCOUNT)).toBe('123456789012');
    expect(formatZeroPinBlock(ClearPin.of('123456'), ACCOUNT).toString('hex').toUpperCase()).toBe('06122662A9876FED');
  });

  /*
   * Short account, by hand. Id 12345: drop the last digit → 1234, left-pad to 12 → 000000001234.
   * Account field 0000 0000 0000 1234; PIN 1234 → PIN field 0412 34FF FFFF FFFF;
   * XOR → 0412 34FF FFFF EDCB (FF^12 = ED, FF^34 = CB).
   */
  it('profile §2: a short account Id is left-padded with zeros after dropping its last digit', () => {
    expect(pinAccountField('12345')).toBe('000000001234');
    expect(formatZeroPinBlock(ClearPin.of('1234'), '12345').toString('hex').toUpperCase()).toBe('041234FFFFFFEDCB');
  });

  it('profile §2: Pwd is the block under the session PIN key, 2-key 3DES-ECB, uppercase hex', () => {
    const encrypted = encryptPinBlock(PIN_KEY, ClearPin.of('123456'), ACCOUNT);
    expect(encrypted).toBe(referenceEncrypt(PIN_KEY, Buffer.from('06122662A9876FED', 'hex')));
    expect(encrypted).toMatch(/^[0-9A-F]{16}$/);
    expect(passwordComponent(PIN_KEY, ClearPin.of('123456'), ACCOUNT)).toEqual({ Type: '1', Enc: '02', Pwd: encrypted });
  });

  it('extracts and verifies: right PIN yes; wrong PIN, wrong account or wrong key no', () => {
    const encrypted = encryptPinBlock(PIN_KEY, ClearPin.of('123456'), ACCOUNT);
    expect(extractPin(PIN_KEY, encrypted, ACCOUNT).reveal()).toBe('123456');
    expect(verifyPinBlock(PIN_KEY, encrypted, ACCOUNT, ClearPin.of('123456'))).toBe(true);
    expect(verifyPinBlock(PIN_KEY, encrypted, ACCOUNT, ClearPin.of('654321'))).toBe(false);
    expect(verifyPinBlock(PIN_KEY, encrypted, '6222021234567890124' /* same field: last digit dropped */, ClearPin.of('123456'))).toBe(true);
    expect(verifyPinBlock(PIN_KEY, encrypted, '6222021234567890133', ClearPin.of('123456'))).toBe(false);
    expect(verifyPinBlock(Buffer.alloc(16, 1), encrypted, ACCOUNT, ClearPin.of('123456'))).toBe(false);
    expect(verifyPinBlock(PIN_KEY, 'ZZ', ACCOUNT, ClearPin.of('123456'))).toBe(false);
  });

  it('profile §2: a clear PIN never shows in logs, JSON or errors', () => {
    const pin = ClearPin.of('987654');
    expect(String(pin)).not.toContain('987654');
    expect(JSON.stringify({ pin })).not.toContain('987654');
    expect(inspect({ pin })).not.toContain('987654');
    expect(() => ClearPin.of('98x')).toThrow(PinBlockError);
    expect(() => ClearPin.of('98x')).toThrow(expect.objectContaining({ message: expect.not.stringContaining('98x') }));
  });

  it('refuses PINs outside 4..12 digits and accounts that are not digits', () => {
    expect(() => ClearPin.of('123')).toThrow(PinBlockError);
    expect(() => ClearPin.of('1234567890123')).toThrow(PinBlockError);
    expect(() => pinAccountField('62220A')).toThrow(PinBlockError);
  });
});
