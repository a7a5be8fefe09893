import { CanActivate, createParamDecorator, ExecutionContext, Injectable, Logger, SetMetadata, UnauthorizedException } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { Request } from 'express';
import { InvalidTokenError, TokenVerifier } from './bearer-tokens';
import { DomainError } from './domain-error';
import type { Caller, CallerRole } from './roles';

const ROLES_KEY = 'custody:roles';
const PUBLIC_KEY = 'custody:public';

/** Which roles may call a handler; read-only endpoints add `auditor`. */
export const Roles = (...roles: CallerRole[]) => SetMetadata(ROLES_KEY, roles);
/** Health and OpenAPI need no token. */
export const Public = () => SetMetadata(PUBLIC_KEY, true);

/** Bearer-token guard: missing or invalid token → 401, wrong role → 403 (spec/api.md). */
@Injectable()
export class RoleGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    private readonly verifier: TokenVerifier,
  ) {}

  canActivate(context: ExecutionContext): boolean {
    const targets = [context.getHandler(), context.getClass()];
    if (this.reflector.getAllAndOverride<boolean>(PUBLIC_KEY, targets)) return true;
    const request = context.switchToHttp().getRequest<Request & { caller?: Caller }>();
    request.caller = authorizedCaller(request.headers.authorization, this.verifier, this.reflector.getAllAndOverride<CallerRole[]>(ROLES_KEY, targets) ?? []);
    return true;
  }
}

const logger = new Logger(RoleGuard.name);

/**
 * The one check of a bearer token, for every edge (HTTP's RoleGuard, the gRPC handlers): `authorization` is the
 * header's (or the gRPC metadata's) value; missing or invalid → UNAUTHENTICATED, a role not in `allowed` → FORBIDDEN.
 */
export function authorizedCaller(authorization: string | undefined, verifier: TokenVerifier, allowed: readonly CallerRole[]): Caller {
  const match = /^Bearer (.+)$/.exec(authorization ?? '');
  if (!match) throw new DomainError('UNAUTHENTICATED', 'missing bearer token');
  let caller: Caller;
  try {
    caller = verifier.verify(match[1]);
  } catch (e) {
    if (!(e instanceof InvalidTokenError)) throw e;
    // The reason names issuers and roles, never the token: an operator sees why a service's calls fail.
    logger.warn(`refused a bearer token: ${e.message}`);
    throw new DomainError('UNAUTHENTICATED', 'invalid or expired token');
  }
  if (!allowed.includes(caller.role)) throw new DomainError('FORBIDDEN', `role ${caller.role} may not call this`);
  return caller;
}

/** The caller RoleGuard verified, for a handler that records who acted (e.g. an adjustment's approver). */
export const VerifiedCaller = createParamDecorator((_data: unknown, context: ExecutionContext): Caller => {
  const caller = context.switchToHttp().getRequest<Request & { caller?: Caller }>().caller;
  // RoleGuard sets it on every handler that is not @Public(); a public handler has no caller to ask for.
  if (!caller) throw new UnauthorizedException('no verified caller');
  return caller;
});
