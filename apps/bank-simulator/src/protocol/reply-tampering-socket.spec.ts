import { computeCheckSum, verifyCheckSum } from '@custody/bank-protocol';
import { brokenCheckSum } from './reply-tampering-socket';

describe('CORRUPT_CHECKSUM: a broken CheckSum keeps its shape but never verifies (profile §2)', () => {
  const msgText = Buffer.from('<MsgText><Trf.002.01/></MsgText>');
  const key = Buffer.alloc(16, 7);

  it.each(['SUM256', 'HMAC-SM3'] as const)('%s', (mode) => {
    const good = computeCheckSum(mode, msgText, key);
    const broken = brokenCheckSum(good);
    expect(broken).toMatch(mode === 'SUM256' ? /^\d{1,3}$/ : /^[0-9A-F]{64}$/);
    expect(verifyCheckSum(mode, msgText, good, key)).toBe(true);
    expect(verifyCheckSum(mode, msgText, broken, key)).toBe(false);
  });

  it('SUM256 wraps 255 to 0', () => {
    expect(brokenCheckSum('255')).toBe('0');
  });
});
