import type { AddressInfo } from 'node:net';
import { Controller, Get, type INestApplication, Module, Post } from '@nestjs/common';
import { Roles } from './auth';
import { newIssuer, signToken, TokenVerifier } from './bearer-tokens';
import { startHttpService } from './bootstrap';
import { loggingModule } from './logging';
import { ROLES, SERVICE_ROLE } from './roles';

@Controller()
class GuardedController {
  @Post('v1/adjustments/approve')
  @Roles('supervisor')
  approve() {
    return { approved: true };
  }

  @Get('internal/v1/check')
  @Roles(SERVICE_ROLE)
  check() {
    return { checked: true };
  }
}

@Module({ imports: [loggingModule('guard-test')], controllers: [GuardedController] })
class GuardedModule {}

const MINUTE = 60_000;

/** spec/api.md: missing or invalid token → 401, wrong role → 403 — now with issuers that vouch only for their roles. */
describe('role guard at the HTTP edge (ES256 tokens, trust list)', () => {
  const users = newIssuer('identity-provider', ROLES);
  const adapter = newIssuer('bank-adapter-1021000', [SERVICE_ROLE]);
  let app: INestApplication;
  let baseUrl: string;

  beforeAll(async () => {
    app = await startHttpService(GuardedModule, { name: 'guard-test', port: 0, tokenVerifier: new TokenVerifier([users.trusted, adapter.trusted]) });
    baseUrl = `http://127.0.0.1:${(app.getHttpServer().address() as AddressInfo).port}`;
  });

  afterAll(async () => {
    await app?.close();
  });

  async function call(method: 'GET' | 'POST', path: string, token?: string) {
    const response = await fetch(`${baseUrl}${path}`, { method, headers: token === undefined ? {} : { authorization: `Bearer ${token}` } });
    return { status: response.status, code: ((await response.json()) as { code?: string }).code };
  }
  const now = () => new Date();

  it('a supervisor token from the user issuer approves', async () => {
    expect(await call('POST', '/v1/adjustments/approve', signToken(users.identity, { subject: 'chief', role: 'supervisor' }, now(), 10 * MINUTE))).toEqual({ status: 201, code: undefined });
  });

  it("item 3: a supervisor token signed with the bank adapter's key is refused as unauthenticated", async () => {
    const forged = signToken(adapter.identity, { subject: 'bank-adapter-1021000', role: 'supervisor' }, now(), 10 * MINUTE);
    expect(await call('POST', '/v1/adjustments/approve', forged)).toEqual({ status: 401, code: 'UNAUTHENTICATED' });
  });

  it('the adapter reaches the internal endpoint with its service role; a person with a public role gets 403 there', async () => {
    expect(await call('GET', '/internal/v1/check', signToken(adapter.identity, { subject: 'bank-adapter-1021000', role: SERVICE_ROLE }, now(), 10 * MINUTE))).toEqual({ status: 200, code: undefined });
    expect(await call('GET', '/internal/v1/check', signToken(users.identity, { subject: 'chief', role: 'supervisor' }, now(), 10 * MINUTE))).toEqual({ status: 403, code: 'FORBIDDEN' });
    expect(await call('POST', '/v1/adjustments/approve', signToken(users.identity, { subject: 'desk', role: 'trading' }, now(), 10 * MINUTE))).toEqual({ status: 403, code: 'FORBIDDEN' });
  });

  it('issue 9: a response carries no ETag (express would hash every body for one; no client revalidates)', async () => {
    const response = await fetch(`${baseUrl}/internal/v1/check`, { headers: { authorization: `Bearer ${signToken(adapter.identity, { subject: 'bank-adapter-1021000', role: SERVICE_ROLE }, now(), 10 * MINUTE)}` } });
    expect(response.status).toBe(200);
    expect(response.headers.get('etag')).toBeNull();
  });

  it('a missing, malformed or expired token is 401', async () => {
    const expired = signToken(users.identity, { subject: 'chief', role: 'supervisor' }, new Date(Date.now() - 11 * MINUTE), 10 * MINUTE);
    expect(await call('POST', '/v1/adjustments/approve')).toEqual({ status: 401, code: 'UNAUTHENTICATED' });
    expect(await call('POST', '/v1/adjustments/approve', 'garbage')).toEqual({ status: 401, code: 'UNAUTHENTICATED' });
    expect(await call('POST', '/v1/adjustments/approve', expired)).toEqual({ status: 401, code: 'UNAUTHENTICATED' });
  });
});
