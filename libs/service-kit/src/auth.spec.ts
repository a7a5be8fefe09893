import { sign } from 'jsonwebtoken';
import { issueToken, ROLES, SERVICE_ROLE, verifyToken, type CallerRole } from './auth';

describe('bearer tokens (api.md: roles)', () => {
  const secret = 'test-secret';

  it('carries each public role and the internal service role', () => {
    const roles: CallerRole[] = [...ROLES, SERVICE_ROLE];
    for (const role of roles) {
      expect(verifyToken(secret, issueToken(secret, role, `who-${role}`))).toEqual({ subject: `who-${role}`, role });
    }
  });

  it('the service role is not one of the public roles the local stack hands out', () => {
    expect(ROLES).not.toContain(SERVICE_ROLE);
  });

  it('refuses a token naming a role nobody defined, and one signed with another secret', () => {
    const forged = sign({ role: 'root' }, secret, { subject: 'x', algorithm: 'HS256', issuer: 'custody-hub' });
    expect(() => verifyToken(secret, forged)).toThrow(/no known role/);
    expect(() => verifyToken(secret, issueToken('other', 'service', 'x'))).toThrow();
  });
});
