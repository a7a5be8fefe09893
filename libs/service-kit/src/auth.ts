import { CanActivate, createParamDecorator, ExecutionContext, ForbiddenException, Injectable, Logger, SetMetadata, UnauthorizedException } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { Request } from 'express';
import { InvalidTokenError, TokenVerifier } from './bearer-tokens';
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
  private readonly logger = new Logger(RoleGuard.name);

  constructor(
    private readonly reflector: Reflector,
    private readonly verifier: TokenVerifier,
  ) {}

  canActivate(context: ExecutionContext): boolean {
    const targets = [context.getHandler(), context.getClass()];
    if (this.reflector.getAllAndOverride<boolean>(PUBLIC_KEY, targets)) return true;
    const request = context.switchToHttp().getRequest<Request & { caller?: Caller }>();
    const header = request.headers.authorization ?? '';
    const match = /^Bearer (.+)$/.exec(header);
    if (!match) throw new UnauthorizedException('missing bearer token');
    let caller: Caller;
    try {
      caller = this.verifier.verify(match[1]);
    } catch (e) {
      if (!(e instanceof InvalidTokenError)) throw e;
      // The reason names issuers and roles, never the token: an operator sees why a service's calls fail.
      this.logger.warn(`refused a bearer token: ${e.message}`);
      throw new UnauthorizedException('invalid or expired token');
    }
    const allowed = this.reflector.getAllAndOverride<CallerRole[]>(ROLES_KEY, targets);
    if (!allowed || !allowed.includes(caller.role)) throw new ForbiddenException(`role ${caller.role} may not call this`);
    request.caller = caller;
    return true;
  }
}

/** The caller RoleGuard verified, for a handler that records who acted (e.g. an adjustment's approver). */
export const VerifiedCaller = createParamDecorator((_data: unknown, context: ExecutionContext): Caller => {
  const caller = context.switchToHttp().getRequest<Request & { caller?: Caller }>().caller;
  // RoleGuard sets it on every handler that is not @Public(); a public handler has no caller to ask for.
  if (!caller) throw new UnauthorizedException('no verified caller');
  return caller;
});
