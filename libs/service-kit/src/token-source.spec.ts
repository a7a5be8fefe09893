import { Clock } from './business-calendar';
import { newIssuer, TokenVerifier } from './bearer-tokens';
import { SERVICE_TOKEN_LIFETIME_MS, TokenSource } from './token-source';

class ManualClock extends Clock {
  constructor(public at: Date) {
    super();
  }

  override now(): Date {
    return this.at;
  }

  advance(ms: number): void {
    this.at = new Date(this.at.getTime() + ms);
  }
}

const T0 = new Date('2026-11-23T01:30:00.000Z');
const MINUTE = 60_000;

describe('TokenSource: a calling service never sends an expired token', () => {
  const saga = newIssuer('saga', ['auditor']);

  it('across three hours of an advanced clock, every token it hands out is valid where it is checked', () => {
    const clock = new ManualClock(T0);
    const verifier = new TokenVerifier([saga.trusted], clock);
    const source = new TokenSource(saga.identity, 'auditor', { clock });
    for (let elapsed = 0; elapsed <= 3 * 60 * MINUTE; elapsed += MINUTE) {
      expect(verifier.verify(source.token())).toEqual({ issuer: 'saga', subject: 'saga', role: 'auditor' });
      clock.advance(MINUTE);
    }
  });

  it('keeps one short-lived token for two thirds of its life, then signs a new one', () => {
    const clock = new ManualClock(T0);
    const source = new TokenSource(saga.identity, 'auditor', { clock });
    const first = source.token();
    clock.advance((SERVICE_TOKEN_LIFETIME_MS * 2) / 3 - 1);
    expect(source.token()).toBe(first);
    clock.advance(1);
    const second = source.token();
    expect(second).not.toBe(first);
    // The new one is itself valid for a whole lifetime from now.
    clock.advance(SERVICE_TOKEN_LIFETIME_MS - 1000);
    expect(new TokenVerifier([saga.trusted], clock).verify(second).role).toBe('auditor');
  });

  it('a service names itself as subject unless told otherwise', () => {
    const users = newIssuer('identity-provider', ['trading']);
    const verifier = new TokenVerifier([saga.trusted, users.trusted]);
    expect(verifier.verify(new TokenSource(saga.identity, 'auditor').token()).subject).toBe('saga');
    expect(verifier.verify(new TokenSource(users.identity, 'trading', { subject: 'desk-7' }).token()).subject).toBe('desk-7');
  });
});
