import { breakerStateValue } from './adapter-metrics';

describe('custody_bank_breaker_state', () => {
  it('closed is 0, half-open 1, open 2: the worse the state, the higher, so max over replicas is the worst', () => {
    expect(breakerStateValue('CLOSED')).toBe(0);
    expect(breakerStateValue('HALF_OPEN')).toBe(1);
    expect(breakerStateValue('OPEN')).toBe(2);
  });
});
