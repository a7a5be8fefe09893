import { createHash } from 'node:crypto';
import { computeCheckSum, hmacSm3Hex, sum256, verifyCheckSum } from './checksum';
import { encodePackage } from './framing';
import { encodeMessage } from './message-codec';
import { decodeMessagePackage, encodeMessagePackage } from './package-codec';
import { MessageDecodeError } from './protocol-errors';
import { EXCHANGE_KEY, transferRequest } from './spec-fixtures';

/** HMAC (RFC 2104) spelled out over SM3, to check the library's HMAC-SM3 independently. */
function referenceHmacSm3(key: Buffer, data: Buffer): string {
  const block = Buffer.alloc(64);
  key.copy(block);
  const inner = createHash('sm3').update(Buffer.from(block.map((b) => b ^ 0x36))).update(data).digest();
  return createHash('sm3').update(Buffer.from(block.map((b) => b ^ 0x5c))).update(inner).digest('hex').toUpperCase();
}

function refusal(raw: Buffer, side: 'S' | 'B', mode: 'SUM256' | 'HMAC-SM3', key = EXCHANGE_KEY): MessageDecodeError {
  try {
    decodeMessagePackage(raw, { localSide: side, security: { mode, macKey: key } });
  } catch (error) {
    if (error instanceof MessageDecodeError) return error;
    throw error;
  }
  throw new Error('expected the package to be refused');
}

/** Flips one byte inside the MsgText (the 张 of the customer name) without changing the length. */
function corrupt(raw: Buffer): Buffer {
  const copy = Buffer.from(raw);
  const at = copy.indexOf(Buffer.from([0xd5, 0xc5]));
  copy[at + 1] = 0xc6;
  return copy;
}

describe('CheckSum (profile §2, JR/T 0046 §4.3.3.7)', () => {
  it('SUM256: <MsgText></MsgText> sums to 1723 (838 + 885), which is 187 mod 256', () => {
    // "<MsgText>" = 60+77+115+103+84+101+120+116+62 = 838; "</MsgText>" adds "/" (47): 885.
    expect(sum256(Buffer.from('<MsgText></MsgText>'))).toBe('187');
  });

  it('HMAC-SM3: SM3 itself matches GB/T 32905 example 1, and the HMAC matches RFC 2104 built on it', () => {
    expect(createHash('sm3').update('abc').digest('hex')).toBe('66c7f0f462eeedd9d1f2d46bdc10e4e24167c4875cf2f7a2297da02b8f4ba8e0');
    const data = encodeMessage(transferRequest());
    expect(hmacSm3Hex(EXCHANGE_KEY, data)).toBe(referenceHmacSm3(EXCHANGE_KEY, data));
    expect(hmacSm3Hex(EXCHANGE_KEY, data)).toMatch(/^[0-9A-F]{64}$/);
  });

  it.each(['SUM256', 'HMAC-SM3'] as const)('%s: a package verifies and decodes with the key it was signed with', (mode) => {
    const raw = encodeMessagePackage(transferRequest(), { seqNo: 1 }, { mode, macKey: EXCHANGE_KEY });
    const decoded = decodeMessagePackage(raw, { localSide: 'B', security: { mode, macKey: EXCHANGE_KEY } });
    expect(decoded.message.name).toBe('Trf.001.01');
  });

  it('is computed over the MsgText bytes as sent: a hand-formatted body verifies only against its own bytes', () => {
    const compact = encodeMessage(transferRequest());
    const spaced = Buffer.from(compact.toString('latin1').replace('<MsgText><Trf.001.01>', '<MsgText>\n  <Trf.001.01>\n'), 'latin1');
    const raw = encodePackage(spaced, { seqNo: 1, type: 'B', checkSum: computeCheckSum('HMAC-SM3', spaced, EXCHANGE_KEY) });
    expect(decodeMessagePackage(raw, { localSide: 'B', security: { mode: 'HMAC-SM3', macKey: EXCHANGE_KEY } }).message.name).toBe('Trf.001.01');
    expect(verifyCheckSum('HMAC-SM3', compact, computeCheckSum('HMAC-SM3', spaced, EXCHANGE_KEY), EXCHANGE_KEY)).toBe(false);
  });

  it('profile §2: a corrupted SUM256 package is refused with 1043 by the bank and 2043 by the broker', () => {
    const raw = corrupt(encodeMessagePackage(transferRequest(), { seqNo: 1 }, { mode: 'SUM256', macKey: EXCHANGE_KEY }));
    expect(refusal(raw, 'B', 'SUM256')).toMatchObject({ reason: 'CHECKSUM_MISMATCH', returnCode: '1043' });
    expect(refusal(raw, 'S', 'SUM256').returnCode).toBe('2043');
  });

  it('profile §2: a corrupted HMAC-SM3 package is refused with 5204 by the bank and 2042 by the broker, its Ref still readable', () => {
    const raw = corrupt(encodeMessagePackage(transferRequest(), { seqNo: 1 }, { mode: 'HMAC-SM3', macKey: EXCHANGE_KEY }));
    const atBank = refusal(raw, 'B', 'HMAC-SM3');
    expect(atBank).toMatchObject({ reason: 'MAC_MISMATCH', returnCode: '5204', messageName: 'Trf.001.01' });
    expect(atBank.header?.Ref.Ref).toBe('2024010500000001');
    expect(refusal(raw, 'S', 'HMAC-SM3').returnCode).toBe('2042');
  });

  it('profile §2: an HMAC-SM3 package signed with another key does not verify', () => {
    const raw = encodeMessagePackage(transferRequest(), { seqNo: 1 }, { mode: 'HMAC-SM3', macKey: Buffer.alloc(16, 7) });
    expect(refusal(raw, 'B', 'HMAC-SM3').reason).toBe('MAC_MISMATCH');
  });

  it('a package without CheckSum never verifies', () => {
    const msgText = encodeMessage(transferRequest());
    const raw = encodePackage(msgText, { seqNo: 1, type: 'B', checkSum: '0' });
    const withoutCheckSum = Buffer.from(raw.toString('latin1').replace(' CheckSum="0"', ''), 'latin1');
    const fixed = Buffer.from(withoutCheckSum.toString('latin1').replace(/Len="\d{5}"/, `Len="${String(withoutCheckSum.length).padStart(5, '0')}"`), 'latin1');
    expect(refusal(fixed, 'B', 'SUM256').reason).toBe('CHECKSUM_MISMATCH');
  });

  it('§4.3.3.5: a package whose Type does not match its message is a package format error', () => {
    const msgText = encodeMessage(transferRequest());
    const raw = encodePackage(msgText, { seqNo: 1, type: 'S', checkSum: sum256(msgText) });
    expect(refusal(raw, 'B', 'SUM256')).toMatchObject({ reason: 'PACKAGE_FORMAT', returnCode: '9000' });
  });
});
