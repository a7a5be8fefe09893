import { DAY_PHASES } from '@custody/contracts';
import { dayPhaseSamples } from './day-phase-metrics';

describe('custody_day_phase samples', () => {
  it("one sample per bank and phase, exactly one of them 1: the phase of the bank's day", () => {
    const samples = dayPhaseSamples(['A', 'B'], [{ bankCode: 'A', phase: 'OPEN' }, { bankCode: 'B', phase: 'RECONCILING' }]);
    expect(samples).toHaveLength(2 * DAY_PHASES.length);
    expect(samples.filter((s) => s.value === 1)).toEqual([
      { bank: 'A', phase: 'OPEN', value: 1 },
      { bank: 'B', phase: 'RECONCILING', value: 1 },
    ]);
  });

  it('a configured bank without a day on the business date is NOT_STARTED, as GET /v1/banks shows it', () => {
    expect(dayPhaseSamples(['A'], []).filter((s) => s.value === 1)).toEqual([{ bank: 'A', phase: 'NOT_STARTED', value: 1 }]);
  });
});
