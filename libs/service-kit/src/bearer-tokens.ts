import { createPrivateKey, createPublicKey, generateKeyPairSync, type KeyObject } from 'node:crypto';
import { decode, sign, verify, type JwtPayload } from 'jsonwebtoken';
import { Clock, MAX_CLOCK_SKEW_MS } from './business-calendar';
import { type Caller, type CallerRole, isCallerRole } from './roles';

/**
 * Bearer tokens are JWTs signed with ES256 (ECDSA P-256): only an issuer holds its private key, and every
 * service verifies with public keys, so no service can sign for another (jsonwebtoken 9 has no EdDSA).
 * Verifiers accept this one algorithm, which also shuts out `none` and HMAC tokens keyed with a public key.
 */
const ALGORITHM = 'ES256';
const CURVE = 'prime256v1';

/** Who signs: an issuer's name (the `iss` of its tokens) and its private key. */
export interface SigningIdentity {
  readonly issuer: string;
  readonly privateKey: KeyObject;
}

/** One entry of a verifier's trust list: the issuer's public key and the only roles it may vouch for. */
export interface TrustedIssuer {
  readonly issuer: string;
  readonly publicKey: KeyObject;
  readonly roles: readonly CallerRole[];
}

/** The token proves nothing: unknown or untrusted issuer, bad signature, expired, or a role its issuer may not assert. */
export class InvalidTokenError extends Error {}

export class KeyFormatError extends Error {}

export function newSigningKeyPair(): { privateKey: KeyObject; publicKey: KeyObject } {
  return generateKeyPairSync('ec', { namedCurve: CURVE });
}

/** A fresh key pair as an issuer: what it signs with, and the trust entry that lets it assert `roles`. */
export function newIssuer(issuer: string, roles: readonly CallerRole[]): { identity: SigningIdentity; trusted: TrustedIssuer } {
  const { privateKey, publicKey } = newSigningKeyPair();
  return { identity: { issuer, privateKey }, trusted: { issuer, publicKey, roles } };
}

/** PKCS#8 for a private key, SPKI for a public one: what the trust file and AUTH_SIGNING_KEY hold. */
export function pemOf(key: KeyObject): string {
  return key.export(key.type === 'private' ? { type: 'pkcs8', format: 'pem' } : { type: 'spki', format: 'pem' }).toString();
}

export function readPrivateKey(pem: string, what: string): KeyObject {
  return onCurve(() => createPrivateKey(pem), what);
}

export function readPublicKey(pem: string, what: string): KeyObject {
  return onCurve(() => createPublicKey(pem), what);
}

function onCurve(read: () => KeyObject, what: string): KeyObject {
  let key: KeyObject;
  try {
    key = read();
  } catch {
    throw new KeyFormatError(`${what} is not a PEM key`);
  }
  // Checked at start, not at the first token: a wrong key type would otherwise fail every call later.
  if (key.asymmetricKeyType !== 'ec' || key.asymmetricKeyDetails?.namedCurve !== CURVE) {
    throw new KeyFormatError(`${what} is not an EC P-256 key (ES256)`);
  }
  return key;
}

export interface TokenClaims {
  subject: string;
  role: CallerRole;
}

/** Signs a token valid from `issuedAt` for `lifetimeMs` (whole seconds, as JWT times are). */
export function signToken(identity: SigningIdentity, claims: TokenClaims, issuedAt: Date, lifetimeMs: number): string {
  const iat = Math.floor(issuedAt.getTime() / 1000);
  return sign({ role: claims.role, iat, exp: iat + Math.floor(lifetimeMs / 1000) }, identity.privateKey, {
    algorithm: ALGORITHM,
    issuer: identity.issuer,
    subject: claims.subject,
  });
}

/** How many accepted tokens a verifier remembers (a few per caller system at a time; the bound is for a flood of them). */
const MAX_REMEMBERED_TOKENS = 10_000;

/**
 * Checks a bearer token against a trust list. The issuer named in the token picks the key to verify with
 * (an unverified claim, but one that only selects a key: a token signed by anyone else fails that key), and
 * after the signature the issuer's allowed roles decide: the bank adapter's key can sign a token saying
 * `supervisor`, and that token is refused here.
 */
export class TokenVerifier {
  private readonly issuers = new Map<string, TrustedIssuer>();
  /**
   * Tokens this verifier accepted, each with its caller and expiry (issue 9): a trading system sends the same token
   * with every request until it renews it, and an ECDSA verification per request was a tenth of a millisecond of CPU
   * each. A token is the exact text whose signature was checked, so the same text needs no second check; it is
   * dropped once expired, and the oldest go first beyond `MAX_REMEMBERED_TOKENS`. Refusals are not remembered.
   */
  private readonly accepted = new Map<string, { caller: Caller; expiresAtSec: number }>();

  constructor(
    trusted: readonly TrustedIssuer[],
    private readonly clock: Clock = new Clock(),
  ) {
    for (const entry of trusted) {
      if (this.issuers.has(entry.issuer)) throw new Error(`issuer ${entry.issuer} is trusted twice`);
      this.issuers.set(entry.issuer, entry);
    }
  }

  verify(token: string): Caller {
    const nowSec = Math.floor(this.clock.now().getTime() / 1000);
    const remembered = this.accepted.get(token);
    // jsonwebtoken's own rule: expired once now ≥ exp + tolerance.
    if (remembered && nowSec < remembered.expiresAtSec + MAX_CLOCK_SKEW_MS / 1000) return remembered.caller;
    this.accepted.delete(token);
    const { caller, expiresAtSec } = this.check(token, nowSec);
    if (this.accepted.size >= MAX_REMEMBERED_TOKENS) this.accepted.delete(this.accepted.keys().next().value!);
    this.accepted.set(token, { caller, expiresAtSec });
    return caller;
  }

  private check(token: string, nowSec: number): { caller: Caller; expiresAtSec: number } {
    const unverified = decode(token, { json: true });
    const issuer = typeof unverified?.iss === 'string' ? this.issuers.get(unverified.iss) : undefined;
    if (!issuer) throw new InvalidTokenError('token from an issuer not trusted here');
    let claims: JwtPayload;
    try {
      claims = verify(token, issuer.publicKey, {
        algorithms: [ALGORITHM],
        issuer: issuer.issuer,
        clockTimestamp: nowSec,
        // The signer's clock is another host's: its expiry is read with the skew two hosts may have.
        clockTolerance: MAX_CLOCK_SKEW_MS / 1000,
      }) as JwtPayload;
    } catch (e) {
      throw new InvalidTokenError(`token of ${issuer.issuer} refused: ${(e as Error).message}`);
    }
    // jsonwebtoken accepts a token without `exp` as valid forever; ours must expire.
    if (typeof claims.exp !== 'number') throw new InvalidTokenError(`token of ${issuer.issuer} has no expiry`);
    if (typeof claims.sub !== 'string' || !isCallerRole(claims.role)) throw new InvalidTokenError(`token of ${issuer.issuer} carries no known role`);
    if (!issuer.roles.includes(claims.role)) throw new InvalidTokenError(`issuer ${issuer.issuer} may not assert role ${claims.role}`);
    return { caller: { issuer: issuer.issuer, subject: claims.sub, role: claims.role }, expiresAtSec: claims.exp };
  }
}
