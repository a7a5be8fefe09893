import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AuthSettingsError, parseTrustList, readAuthSettings, signingIdentity, trustListText } from './auth-settings';
import { KeyFormatError, newIssuer, pemOf, signToken, TokenVerifier } from './bearer-tokens';
import { ROLES, SERVICE_ROLE } from './roles';

describe('auth settings: the trust list (AUTH_TRUST_FILE) and the signing key (AUTH_SIGNING_KEY)', () => {
  const users = newIssuer('identity-provider', ROLES);
  const adapter = newIssuer('bank-adapter-1021000', [SERVICE_ROLE]);
  const dir = mkdtempSync(join(tmpdir(), 'custody-auth-'));
  const trustFile = join(dir, 'trust.yaml');
  writeFileSync(trustFile, trustListText([users.trusted, adapter.trusted]));

  it('reads back the trust list it writes: issuers, their keys and their roles', () => {
    const settings = readAuthSettings({ AUTH_TRUST_FILE: trustFile });
    expect(settings.trustedIssuers.map((i) => [i.issuer, i.roles])).toEqual([
      ['identity-provider', [...ROLES]],
      ['bank-adapter-1021000', [SERVICE_ROLE]],
    ]);
    const token = signToken(adapter.identity, { subject: 'bank-adapter-1021000', role: SERVICE_ROLE }, new Date(), 60_000);
    expect(new TokenVerifier(settings.trustedIssuers).verify(token).issuer).toBe('bank-adapter-1021000');
  });

  it('reads the signing key, also with its newlines escaped as \\n', () => {
    const pem = pemOf(adapter.identity.privateKey);
    for (const AUTH_SIGNING_KEY of [pem, pem.replace(/\n/g, '\\n')]) {
      const identity = signingIdentity(readAuthSettings({ AUTH_TRUST_FILE: trustFile, AUTH_SIGNING_KEY }), 'bank-adapter-1021000');
      const token = signToken(identity, { subject: 'bank-adapter-1021000', role: SERVICE_ROLE }, new Date(), 60_000);
      expect(new TokenVerifier([adapter.trusted]).verify(token).subject).toBe('bank-adapter-1021000');
    }
  });

  it.each([{}, { NODE_ENV: 'production' }])('has no development default: without AUTH_TRUST_FILE a service does not start (%j)', (env) => {
    expect(() => readAuthSettings(env)).toThrow(new AuthSettingsError('AUTH_TRUST_FILE must name the trust list (issuers, their public keys and roles)'));
  });

  it('a service that calls another does not start without its own key', () => {
    expect(() => signingIdentity(readAuthSettings({ AUTH_TRUST_FILE: trustFile }), 'saga')).toThrow(
      new AuthSettingsError('saga calls other services: AUTH_SIGNING_KEY must hold its private key'),
    );
  });

  it('refuses a trust list with an unknown role, a missing key or a key of the wrong kind', () => {
    const entry = (fields: object) => JSON.stringify({ issuers: [{ issuer: 'saga', roles: ['auditor'], publicKey: pemOf(users.trusted.publicKey), ...fields }] });
    expect(() => parseTrustList(entry({ roles: ['root'] }), 't.yaml')).toThrow(/invalid trust list t.yaml:\n {2}issuers.0.roles.0: Invalid enum value/);
    expect(() => parseTrustList(entry({ publicKey: undefined }), 't.yaml')).toThrow(/issuers.0.publicKey: Required/);
    expect(() => parseTrustList(entry({ publicKey: 'nope' }), 't.yaml')).toThrow(new KeyFormatError('the public key of issuer saga in t.yaml is not a PEM key'));
    expect(() => parseTrustList('issuers: []', 't.yaml')).toThrow(AuthSettingsError);
  });
});
