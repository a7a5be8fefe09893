import { fundPasswordRefusal } from './fund-password-check';

describe('F-4.2 B / F-3.9 B / F-3.3 B: the fund password the adapter verified', () => {
  it('only MATCHED authorises the request', () => {
    expect(fundPasswordRefusal('MATCHED')).toBeUndefined();
  });

  it.each(['MISMATCHED', 'LOCKED', 'NOT_SET', 'MISSING', 'UNREADABLE', undefined] as const)('%s is refused with its own reason', (check) => {
    expect(fundPasswordRefusal(check)).toEqual(expect.any(String));
  });

  it('the reasons tell the cases apart', () => {
    const reasons = (['MISMATCHED', 'LOCKED', 'NOT_SET', 'MISSING', 'UNREADABLE', undefined] as const).map(fundPasswordRefusal);
    expect(new Set(reasons).size).toBe(reasons.length);
  });
});
