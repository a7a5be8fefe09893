import { writeFileSync } from 'node:fs';
import {
  type CallerRole,
  newIssuer,
  pemOf,
  type Role,
  ROLES,
  TokenSource,
  type TrustedIssuer,
  trustListText,
} from '@custody/service-kit';

/** The issuer of the people's role tokens; in production an identity provider whose public key is trusted instead. */
export const LOCAL_USER_ISSUER = 'local-identity-provider';
/** A working day: stack.json is signed anew before its tokens run out (see `roleTokens`). */
const ROLE_TOKEN_LIFETIME_MS = 12 * 3600_000;
const RENEWAL_CHECK_MS = 60_000;

/** A service that calls another signs as itself (issuer = its name) with the one role the callee needs. */
export interface CallingService {
  identity: string;
  role: CallerRole;
}

/**
 * The local stack's stand-in for production's identity provider and secret store: key pairs made at every
 * start, one for the user issuer and one per calling service. Private keys stay in this process and in the
 * environment of the one service each belongs to; only public keys are written (the trust list).
 */
export class LocalAuthority {
  private readonly trusted: TrustedIssuer[] = [];
  private readonly serviceKeys = new Map<string, string>();
  private readonly roleSources: Array<[Role, TokenSource]>;
  private renewal?: NodeJS.Timeout;

  constructor(namespace: string, callers: readonly CallingService[]) {
    const users = newIssuer(LOCAL_USER_ISSUER, ROLES);
    this.trusted.push(users.trusted);
    this.roleSources = ROLES.map((role) => [role, new TokenSource(users.identity, role, { subject: `${namespace}-${role}`, lifetimeMs: ROLE_TOKEN_LIFETIME_MS })]);
    for (const caller of callers) {
      const service = newIssuer(caller.identity, [caller.role]);
      this.trusted.push(service.trusted);
      this.serviceKeys.set(caller.identity, pemOf(service.identity.privateKey));
    }
  }

  writeTrustList(path: string): void {
    writeFileSync(path, trustListText(this.trusted));
  }

  /** The environment that lets one calling service sign as itself. */
  signingEnv(identity: string): Record<string, string> {
    const pem = this.serviceKeys.get(identity);
    if (pem === undefined) throw new Error(`${identity} is not a calling service of this stack`);
    return { AUTH_SIGNING_KEY: pem };
  }

  /** One token per public role; the same tokens until a third of their life is left, then new ones. */
  roleTokens(): Record<Role, string> {
    return Object.fromEntries(this.roleSources.map(([role, source]) => [role, source.token()])) as Record<Role, string>;
  }

  /** Calls `renewed` with new role tokens whenever the old ones near their end, until `stopRenewing`. */
  renewRoleTokens(renewed: (tokens: Record<Role, string>) => void): void {
    let current = JSON.stringify(this.roleTokens());
    this.renewal = setInterval(() => {
      const tokens = this.roleTokens();
      if (JSON.stringify(tokens) === current) return;
      current = JSON.stringify(tokens);
      renewed(tokens);
    }, RENEWAL_CHECK_MS);
    // A stack is stopped by its owner; this timer alone must not keep the launcher's process alive.
    this.renewal.unref();
  }

  stopRenewing(): void {
    clearInterval(this.renewal);
  }
}
