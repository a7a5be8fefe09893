import { ATTEMPTS_KEPT, attemptsView, withAttempt, type AttemptLog } from './transfer-attempts';

const CAP = ATTEMPTS_KEPT.first + ATTEMPTS_KEPT.latest;
const afterAttempts = (n: number): AttemptLog =>
  Array.from({ length: n }, (_, i) => `query #${i + 1}`).reduce<AttemptLog>((log, attempt) => withAttempt(log, attempt), { attempts: [], dropped: 0 });

describe('a transfer’s attempts are capped (issue 7: nothing grows without bound)', () => {
  it('up to the cap every attempt is kept, in order, and shown as it is', () => {
    const log = afterAttempts(CAP);
    expect(log).toEqual({ attempts: Array.from({ length: CAP }, (_, i) => `query #${i + 1}`), dropped: 0 });
    expect(attemptsView(log)).toEqual(log.attempts);
  });

  it('past the cap the first ones and the latest ones are kept, and the dropped ones in between are counted', () => {
    const log = afterAttempts(CAP + 1000);
    expect(log.attempts).toHaveLength(CAP);
    expect(log.dropped).toBe(1000);
    expect(log.attempts.slice(0, ATTEMPTS_KEPT.first)).toEqual(Array.from({ length: ATTEMPTS_KEPT.first }, (_, i) => `query #${i + 1}`));
    expect(log.attempts.at(-1)).toBe(`query #${CAP + 1000}`);
    expect(log.attempts[ATTEMPTS_KEPT.first]).toBe(`query #${ATTEMPTS_KEPT.first + 1000 + 1}`);
  });

  it('the view says where attempts were dropped and how many', () => {
    const view = attemptsView(afterAttempts(CAP + 3));
    expect(view).toHaveLength(CAP + 1);
    expect(view[ATTEMPTS_KEPT.first]).toMatch(/^… 3 more attempts, not kept here/);
    expect(view[ATTEMPTS_KEPT.first - 1]).toBe(`query #${ATTEMPTS_KEPT.first}`);
    expect(view[ATTEMPTS_KEPT.first + 1]).toBe(`query #${ATTEMPTS_KEPT.first + 4}`);
  });
});
