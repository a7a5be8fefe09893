import { decodeAccountCursor, decodeLineCursor, encodeAccountCursor, encodeLineCursor, pageLimit } from './conversion-page';

describe('the conversion endpoints’ pages', () => {
  it('a cursor given back is where the page ended; none is the start', () => {
    expect(decodeLineCursor(encodeLineCursor(42))).toBe(42);
    expect(decodeLineCursor(undefined)).toBe(0);
    expect(decodeAccountCursor(encodeAccountCursor({ fundAccountNo: '100000000001', currency: 'USD' }))).toEqual({ fundAccountNo: '100000000001', currency: 'USD' });
    expect(decodeAccountCursor(Buffer.from('account:100000000001').toString('base64url'))).toEqual({ fundAccountNo: '100000000001', currency: '' });
    expect(decodeAccountCursor('')).toEqual({ fundAccountNo: '', currency: '' });
  });

  it('a cursor not issued here, or one of the other list, is VALIDATION_FAILED before any SQL', () => {
    expect(() => decodeLineCursor('bm9uc2Vuc2U')).toThrow(expect.objectContaining({ code: 'VALIDATION_FAILED' }));
    expect(() => decodeLineCursor(encodeAccountCursor({ fundAccountNo: '100000000001', currency: 'CNY' }))).toThrow(expect.objectContaining({ code: 'VALIDATION_FAILED' }));
    expect(() => decodeAccountCursor(encodeLineCursor(1))).toThrow(expect.objectContaining({ code: 'VALIDATION_FAILED' }));
  });

  it('limit: the default when absent, 1 to the maximum, anything else VALIDATION_FAILED', () => {
    expect(pageLimit(undefined, 100, 500)).toBe(100);
    expect(pageLimit('500', 100, 500)).toBe(500);
    expect(() => pageLimit('0', 100, 500)).toThrow(expect.objectContaining({ code: 'VALIDATION_FAILED' }));
    expect(() => pageLimit('501', 100, 500)).toThrow(expect.objectContaining({ code: 'VALIDATION_FAILED' }));
  });
});
