import {
  describeReturnCode,
  isSuccess,
  RETURN_CODES,
  returnCodeOrigin,
  SIDE_RETURN_CODES,
  sideReturnCode,
  SIGN_IN_REFUSED_CODE,
} from './return-codes';

describe('return codes (§7.23)', () => {
  it('§7.23: holds the whole table 231, 192 codes, with the standard’s wording', () => {
    expect(Object.keys(RETURN_CODES)).toHaveLength(192);
    expect(describeReturnCode('1040')).toEqual({ zh: '银行主机拒绝签到', en: 'bank host refused sign-in' });
    expect(describeReturnCode('5204')?.zh).toBe('MAC校验错');
    expect(describeReturnCode('9016')?.zh).toBe('发送证券应答失败');
    expect(describeReturnCode('1023')).toBeUndefined();
  });

  it('§7.23: success is 0000, and 0 as the table prints it', () => {
    expect(isSuccess('0000')).toBe(true);
    expect(isSuccess('0')).toBe(true);
    expect(isSuccess('2043')).toBe(false);
  });

  it('§7.23: the ranges say who produced a code', () => {
    expect(returnCodeOrigin('1043')).toBe('bank');
    expect(returnCodeOrigin('5204')).toBe('bank');
    expect(returnCodeOrigin('2043')).toBe('securities');
    expect(returnCodeOrigin('3011')).toBe('securities');
    expect(returnCodeOrigin('9001')).toBe('communication');
    expect(returnCodeOrigin('0000')).toBe('success');
  });

  it('profile §2, §4 and §5: broker-side and bank-side variants of the same condition', () => {
    expect([sideReturnCode('MAC_ERROR', 'S'), sideReturnCode('MAC_ERROR', 'B')]).toEqual(['2042', '5204']);
    expect([sideReturnCode('CHECKSUM_ERROR', 'S'), sideReturnCode('CHECKSUM_ERROR', 'B')]).toEqual(['2043', '1043']);
    expect(SIDE_RETURN_CODES.REVERSAL_ORIGINAL_NOT_FOUND).toEqual({ S: '2005', B: '1005' });
    expect(SIDE_RETURN_CODES.ALREADY_REVERSED).toEqual({ S: '2006', B: '1006' });
    expect(SIDE_RETURN_CODES.QUERIED_NEVER_SEEN).toEqual({ S: '2027', B: '1027' });
    expect(SIDE_RETURN_CODES.QUERIED_IN_PROGRESS).toEqual({ S: '2028', B: '1028' });
    expect(SIGN_IN_REFUSED_CODE).toBe('1040');
    // Profile §5: a refused chunk (bank 5208, broker 3093); a file not held (bank 5208, broker 3092).
    expect(SIDE_RETURN_CODES.FILE_TRANSFER_FAILED).toEqual({ S: '3093', B: '5208' });
    expect(SIDE_RETURN_CODES.FILE_NOT_AVAILABLE).toEqual({ S: '3092', B: '5208' });
    for (const pair of Object.values(SIDE_RETURN_CODES)) {
      expect(returnCodeOrigin(pair.S)).toBe('securities');
      expect(returnCodeOrigin(pair.B)).toBe('bank');
    }
  });
});
