import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readAuthSettings, ROLES, type Role, SERVICE_ROLE, signingIdentity, signToken, TokenVerifier } from '@custody/service-kit';
import { LOCAL_USER_ISSUER, LocalAuthority } from './local-auth';

describe('the local stack’s keys: one user issuer, one key per calling service, each trusted for its own roles', () => {
  const stateDir = mkdtempSync(join(tmpdir(), 'custody-stack-auth-'));
  const trustList = join(stateDir, 'auth-trust.yaml');

  afterEach(() => jest.useRealTimers());

  function started() {
    const authority = new LocalAuthority('local', [
      { identity: 'saga', role: 'auditor' },
      { identity: 'bank-adapter-1021000', role: SERVICE_ROLE },
    ]);
    authority.writeTrustList(trustList);
    return authority;
  }
  const serviceKey = (authority: LocalAuthority, identity: string) =>
    signingIdentity(readAuthSettings({ AUTH_TRUST_FILE: trustList, ...authority.signingEnv(identity) }), identity);

  it('stack.json gets one token per public role, from the user issuer, which every service believes', () => {
    const authority = started();
    const verifier = new TokenVerifier(readAuthSettings({ AUTH_TRUST_FILE: trustList }).trustedIssuers);
    const tokens = authority.roleTokens();
    expect(Object.keys(tokens)).toEqual([...ROLES]);
    for (const role of ROLES) expect(verifier.verify(tokens[role])).toEqual({ issuer: LOCAL_USER_ISSUER, subject: `local-${role}`, role });
  });

  it("a calling service's key is believed for its own role only: the adapter cannot sign a supervisor", () => {
    const authority = started();
    const verifier = new TokenVerifier(readAuthSettings({ AUTH_TRUST_FILE: trustList }).trustedIssuers);
    const adapter = serviceKey(authority, 'bank-adapter-1021000');
    const token = (role: Role | typeof SERVICE_ROLE) => signToken(adapter, { subject: adapter.issuer, role }, new Date(), 60_000);
    expect(verifier.verify(token(SERVICE_ROLE)).issuer).toBe('bank-adapter-1021000');
    expect(() => verifier.verify(token('supervisor'))).toThrow('issuer bank-adapter-1021000 may not assert role supervisor');
    expect(verifier.verify(signToken(serviceKey(authority, 'saga'), { subject: 'saga', role: 'auditor' }, new Date(), 60_000)).role).toBe('auditor');
    expect(() => authority.signingEnv('account')).toThrow('account is not a calling service of this stack');
  });

  it('renews the role tokens before they run out, and the renewed ones are believed then', () => {
    jest.useFakeTimers({ now: new Date('2026-11-23T01:30:00.000Z') });
    const authority = started();
    const first = authority.roleTokens();
    const renewed: Array<Record<Role, string>> = [];
    authority.renewRoleTokens((tokens) => renewed.push(tokens));
    jest.advanceTimersByTime(7 * 3600_000);
    expect(renewed).toEqual([]);
    jest.advanceTimersByTime(3600_000);
    expect(renewed).toHaveLength(1);
    expect(renewed[0].trading).not.toBe(first.trading);
    // The first ones would be gone by now; the renewed ones last well beyond.
    jest.advanceTimersByTime(5 * 3600_000);
    authority.stopRenewing();
    const verifier = new TokenVerifier(readAuthSettings({ AUTH_TRUST_FILE: trustList }).trustedIssuers);
    expect(() => verifier.verify(first.trading)).toThrow(/jwt expired/);
    expect(verifier.verify(renewed[0].trading).role).toBe('trading');
  });
});
