import { assertTradingHoldAllowed, primaryChangeRefusal } from './role-rules';

describe('§13: the primary fund account trades, an auxiliary does not', () => {
  it('§13: a trading hold on an auxiliary fund account is refused AUXILIARY_HOLD_FORBIDDEN', () => {
    expect(() => assertTradingHoldAllowed({ fundAccountNo: 'A1', role: 'AUXILIARY' })).toThrow(expect.objectContaining({ code: 'AUXILIARY_HOLD_FORBIDDEN' }));
  });

  it('§13: the primary fund account takes trading holds', () => {
    expect(() => assertTradingHoldAllowed({ fundAccountNo: 'P1', role: 'PRIMARY' })).not.toThrow();
  });
});

describe('§13: the primary moves only while the old primary has no unsettled trading', () => {
  it('§13: an old primary without an active trading hold lets the change through', () => {
    expect(primaryChangeRefusal('P1', 0)).toBeNull();
  });

  it.each([1, 3])('§13: an old primary with %p active trading hold(s) refuses it, saying which account and why', (holds) => {
    expect(primaryChangeRefusal('P1', holds)).toBe(`fund account P1 has unsettled trading: ${holds} active trading hold(s); release or settle them first (domain.md §13)`);
  });
});
