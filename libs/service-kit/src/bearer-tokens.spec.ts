import { createHmac, generateKeyPairSync } from 'node:crypto';
import { sign, verify as jwtVerify } from 'jsonwebtoken';
import { Clock, MAX_CLOCK_SKEW_MS } from './business-calendar';
import { InvalidTokenError, KeyFormatError, newIssuer, pemOf, readPrivateKey, readPublicKey, signToken, TokenVerifier } from './bearer-tokens';
import { CALLER_ROLES, ROLES, SERVICE_ROLE } from './roles';

// The real jsonwebtoken, its verify counted (issue 9: an accepted token is not verified twice).
jest.mock('jsonwebtoken', () => {
  const actual = jest.requireActual<typeof import('jsonwebtoken')>('jsonwebtoken');
  return { ...actual, verify: jest.fn(actual.verify) };
});

class FixedClock extends Clock {
  constructor(public at: Date) {
    super();
  }

  override now(): Date {
    return this.at;
  }
}

const T0 = new Date('2026-11-23T01:30:00.000Z');
const MINUTE = 60_000;
const base64url = (value: object) => Buffer.from(JSON.stringify(value)).toString('base64url');

describe('bearer tokens: an issuer vouches only for the roles its trust entry allows', () => {
  const users = newIssuer('identity-provider', ROLES);
  const adapter = newIssuer('bank-adapter-1021000', [SERVICE_ROLE]);
  const saga = newIssuer('saga', ['auditor']);
  const clock = new FixedClock(T0);
  const verifier = new TokenVerifier([users.trusted, adapter.trusted, saga.trusted], clock);
  const iat = Math.floor(T0.getTime() / 1000);

  beforeEach(() => (clock.at = T0));

  it('the user issuer vouches for each public role, and the token names issuer, subject and role', () => {
    for (const role of ROLES) {
      expect(verifier.verify(signToken(users.identity, { subject: `clerk-${role}`, role }, T0, 10 * MINUTE))).toEqual({ issuer: 'identity-provider', subject: `clerk-${role}`, role });
    }
  });

  it("the bank adapter's key cannot make a supervisor, nor any role but service", () => {
    for (const role of CALLER_ROLES.filter((r) => r !== SERVICE_ROLE)) {
      const token = signToken(adapter.identity, { subject: 'bank-adapter-1021000', role }, T0, 10 * MINUTE);
      expect(() => verifier.verify(token)).toThrow(new InvalidTokenError(`issuer bank-adapter-1021000 may not assert role ${role}`));
    }
    expect(verifier.verify(signToken(adapter.identity, { subject: 'bank-adapter-1021000', role: SERVICE_ROLE }, T0, 10 * MINUTE)).role).toBe(SERVICE_ROLE);
  });

  it("a person's token never carries the internal service role, whoever signed it", () => {
    expect(() => verifier.verify(signToken(users.identity, { subject: 'clerk', role: SERVICE_ROLE }, T0, 10 * MINUTE))).toThrow(InvalidTokenError);
  });

  it('a token is refused once its lifetime ends by the verifier\'s clock, read with the skew two hosts may have (MAX_CLOCK_SKEW_MS)', () => {
    const token = signToken(saga.identity, { subject: 'saga', role: 'auditor' }, T0, 10 * MINUTE);
    clock.at = new Date(T0.getTime() + 10 * MINUTE + MAX_CLOCK_SKEW_MS - 1000);
    expect(verifier.verify(token).role).toBe('auditor');
    clock.at = new Date(T0.getTime() + 10 * MINUTE + MAX_CLOCK_SKEW_MS);
    expect(() => verifier.verify(token)).toThrow(/token of saga refused: jwt expired/);
  });

  it('issue 9: a token accepted once is not verified again while it lasts; another text is checked on its own, and a remembered one still expires', () => {
    const verifications = jwtVerify as unknown as jest.Mock;
    verifications.mockClear();
    const token = signToken(users.identity, { subject: 'trading-system', role: 'trading' }, T0, 10 * MINUTE);
    expect(verifier.verify(token)).toEqual({ issuer: 'identity-provider', subject: 'trading-system', role: 'trading' });
    clock.at = new Date(T0.getTime() + 5 * MINUTE);
    expect(verifier.verify(token)).toEqual({ issuer: 'identity-provider', subject: 'trading-system', role: 'trading' });
    expect(verifications).toHaveBeenCalledTimes(1);

    const [header, , signature] = token.split('.');
    const forged = `${header}.${base64url({ role: 'supervisor', iat, exp: iat + 600, iss: 'identity-provider', sub: 'trading-system' })}.${signature}`;
    expect(() => verifier.verify(forged)).toThrow(/invalid signature/);

    clock.at = new Date(T0.getTime() + 10 * MINUTE + MAX_CLOCK_SKEW_MS);
    expect(() => verifier.verify(token)).toThrow(/jwt expired/);
  });

  it("a token naming a trusted issuer but signed with another key is refused", () => {
    const impostor = newIssuer('saga', ['auditor']);
    expect(() => verifier.verify(signToken(impostor.identity, { subject: 'saga', role: 'auditor' }, T0, 10 * MINUTE))).toThrow(/token of saga refused: invalid signature/);
  });

  it('a token from an issuer not on the trust list is refused, and so is one naming no issuer', () => {
    const stranger = newIssuer('stranger', ROLES);
    expect(() => verifier.verify(signToken(stranger.identity, { subject: 'x', role: 'supervisor' }, T0, 10 * MINUTE))).toThrow(new InvalidTokenError('token from an issuer not trusted here'));
    expect(() => verifier.verify(sign({ role: 'auditor', exp: iat + 600 }, users.identity.privateKey, { algorithm: 'ES256', subject: 'x' }))).toThrow(InvalidTokenError);
    expect(() => verifier.verify('not.a.token')).toThrow(InvalidTokenError);
  });

  it('a token without an expiry is refused: a token must run out', () => {
    const forever = sign({ role: 'auditor' }, users.identity.privateKey, { algorithm: 'ES256', issuer: 'identity-provider', subject: 'x' });
    expect(() => verifier.verify(forever)).toThrow(new InvalidTokenError('token of identity-provider has no expiry'));
  });

  it('a role nobody defined is refused even from a trusted issuer', () => {
    const root = sign({ role: 'root', exp: iat + 600 }, users.identity.privateKey, { algorithm: 'ES256', issuer: 'identity-provider', subject: 'x' });
    expect(() => verifier.verify(root)).toThrow(new InvalidTokenError('token of identity-provider carries no known role'));
  });

  it('only ES256: an unsigned token and an HMAC token keyed with the public key are refused', () => {
    const claims = base64url({ role: 'supervisor', iss: 'identity-provider', sub: 'x', exp: iat + 600 });
    const unsigned = `${base64url({ alg: 'none', typ: 'JWT' })}.${claims}.`;
    const hmacInput = `${base64url({ alg: 'HS256', typ: 'JWT' })}.${claims}`;
    const hmac = `${hmacInput}.${createHmac('sha256', pemOf(users.trusted.publicKey)).update(hmacInput).digest('base64url')}`;
    expect(() => verifier.verify(unsigned)).toThrow(InvalidTokenError);
    expect(() => verifier.verify(hmac)).toThrow(/invalid algorithm/);
  });

  it('a trust list naming one issuer twice is refused at start', () => {
    expect(() => new TokenVerifier([saga.trusted, saga.trusted])).toThrow('issuer saga is trusted twice');
  });
});

describe('signing keys (PEM: PKCS#8 private, SPKI public)', () => {
  it('reads back the PEM it writes', () => {
    const { identity, trusted } = newIssuer('saga', ['auditor']);
    const token = signToken({ issuer: 'saga', privateKey: readPrivateKey(pemOf(identity.privateKey), 'key') }, { subject: 'saga', role: 'auditor' }, new Date(), MINUTE);
    const reread = { ...trusted, publicKey: readPublicKey(pemOf(trusted.publicKey), 'key') };
    expect(new TokenVerifier([reread]).verify(token).subject).toBe('saga');
  });

  it('refuses keys that are not EC P-256 at start rather than fail every token later', () => {
    const rsa = generateKeyPairSync('rsa', { modulusLength: 2048 });
    const p384 = generateKeyPairSync('ec', { namedCurve: 'secp384r1' });
    expect(() => readPublicKey(pemOf(rsa.publicKey), 'the key of saga')).toThrow(new KeyFormatError('the key of saga is not an EC P-256 key (ES256)'));
    expect(() => readPrivateKey(pemOf(p384.privateKey), 'AUTH_SIGNING_KEY')).toThrow(new KeyFormatError('AUTH_SIGNING_KEY is not an EC P-256 key (ES256)'));
    expect(() => readPrivateKey('not a key', 'AUTH_SIGNING_KEY')).toThrow(new KeyFormatError('AUTH_SIGNING_KEY is not a PEM key'));
  });
});
