import { createCipheriv } from 'node:crypto';
import { INSTRUCTION_CODES } from './code-lists';
import { decodeMessage, encodeMessage } from './message-codec';
import { KeyMaterialError } from './protocol-errors';
import {
  computeAuthData,
  generateWorkingKeys,
  keySyncComponents,
  parseKeyHex,
  readKeySyncComponents,
  unwrapWorkingKey,
  verifyAuthData,
  wrapWorkingKey,
} from './session-keys';
import { brokerHeader, EXCHANGE_KEY } from './spec-fixtures';
import { hmacSm3Hex } from './checksum';
import { tripleDesEcbEncrypt } from './triple-des';

describe('keys (profile §2)', () => {
  it('2-key 3DES-ECB with K1 = K2 is single DES: FIPS 81 vector "Now is t" → 3FA40E8A984D4815', () => {
    const key = parseKeyHex('0123456789ABCDEF0123456789ABCDEF');
    expect(tripleDesEcbEncrypt(key, Buffer.from('4E6F772069732074', 'hex')).toString('hex').toUpperCase()).toBe('3FA40E8A984D4815');
  });

  it('2-key 3DES-ECB is 3-key EDE with K3 = K1', () => {
    const data = Buffer.from('0011223344556677', 'hex');
    const ede3 = createCipheriv('des-ede3-ecb', Buffer.concat([EXCHANGE_KEY, EXCHANGE_KEY.subarray(0, 8)]), null).setAutoPadding(false);
    expect(tripleDesEcbEncrypt(EXCHANGE_KEY, data).equals(Buffer.concat([ede3.update(data), ede3.final()]))).toBe(true);
  });

  it('profile §2 sign-in: AuthData is uppercase HMAC-SM3 under the raw exchange key over ASCII InstId + Date + Time', () => {
    const authData = computeAuthData(EXCHANGE_KEY, '10270000', '20240105', '093000');
    expect(authData).toBe(hmacSm3Hex(EXCHANGE_KEY, Buffer.from('1027000020240105093000', 'ascii')));
    expect(authData).toMatch(/^[0-9A-F]{64}$/);
    expect(verifyAuthData(EXCHANGE_KEY, '10270000', '20240105', '093000', authData)).toBe(true);
    expect(verifyAuthData(EXCHANGE_KEY, '10270000', '20240105', '093001', authData)).toBe(false);
    expect(verifyAuthData(Buffer.alloc(16), '10270000', '20240105', '093000', authData)).toBe(false);
    expect(verifyAuthData(EXCHANGE_KEY, '10270000', '20240105', '093000', 'not hex')).toBe(false);
  });

  it('profile §2 key sync: a working key travels as 32 uppercase hex of 3DES-ECB under the exchange key', () => {
    const key = parseKeyHex('0123456789ABCDEF0123456789ABCDEF');
    const workingKey = Buffer.from('4E6F7720697320744E6F772069732074', 'hex');
    expect(wrapWorkingKey(key, workingKey)).toBe('3FA40E8A984D48153FA40E8A984D4815');
    expect(unwrapWorkingKey(key, '3FA40E8A984D48153FA40E8A984D4815').equals(workingKey)).toBe(true);
  });

  it('profile §2 key sync round trip: PIN key (KeyType 1) and MAC key (KeyType 2), Enc 02, through a Sysm.001.01 10004', () => {
    const keys = generateWorkingKeys();
    expect(keys.pinKey).toHaveLength(16);
    expect(keys.pinKey.equals(keys.macKey)).toBe(false);
    const components = keySyncComponents(EXCHANGE_KEY, keys);
    expect(components.map((c) => [c.KeyType, c.Enc])).toEqual([
      ['1', '02'],
      ['2', '02'],
    ]);
    const msgText = encodeMessage({ name: 'Sysm.001.01', body: { MsgHdr: brokerHeader(INSTRUCTION_CODES.KEY_SYNC), PwdKey: components } });
    expect(msgText.toString('latin1')).toMatch(/<PwdKey><KeyType>2<\/KeyType><Enc>02<\/Enc><PwdKey>[0-9A-F]{32}<\/PwdKey><\/PwdKey>/);
    const decoded = decodeMessage(msgText, { localSide: 'B' });
    if (decoded.name !== 'Sysm.001.01') throw new Error('wrong message');
    const received = readKeySyncComponents(EXCHANGE_KEY, decoded.body.PwdKey ?? []);
    expect(received.pinKey.equals(keys.pinKey)).toBe(true);
    expect(received.macKey.equals(keys.macKey)).toBe(true);
  });

  it.each([
    ['only a PIN key', [{ KeyType: '1', Enc: '02', PwdKey: '00'.repeat(16) }]],
    ['DES instead of 3DES', [{ KeyType: '1', Enc: '01', PwdKey: '00'.repeat(16) }, { KeyType: '2', Enc: '02', PwdKey: '00'.repeat(16) }]],
    ['a key that is not 32 hex characters', [{ KeyType: '1', Enc: '02', PwdKey: 'ABC' }, { KeyType: '2', Enc: '02', PwdKey: '00'.repeat(16) }]],
    ['the same key type twice', [{ KeyType: '2', Enc: '02', PwdKey: '00'.repeat(16) }, { KeyType: '2', Enc: '02', PwdKey: '00'.repeat(16) }]],
  ] as const)('a key sync with %s is refused', (_case, components) => {
    expect(() => readKeySyncComponents(EXCHANGE_KEY, components)).toThrow(KeyMaterialError);
  });

  it('exchange keys are configured as 32 hex characters', () => {
    expect(() => parseKeyHex('0123')).toThrow(KeyMaterialError);
    expect(parseKeyHex('0123456789abcdef0123456789ABCDEF')).toHaveLength(16);
  });
});
