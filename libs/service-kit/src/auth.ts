import { CanActivate, ExecutionContext, Injectable, SetMetadata, UnauthorizedException, ForbiddenException } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { sign, verify } from 'jsonwebtoken';
import type { Request } from 'express';

/** spec/api.md: the four roles of the public API (the local stack prints a token for each). */
export const ROLES = ['trading', 'operator', 'supervisor', 'auditor'] as const;
export type Role = (typeof ROLES)[number];

/**
 * Our own services calling each other's internal endpoints (e.g. the bank adapter asking account to verify a
 * fund password). Never handed to a person, and the public ingress does not route the endpoints it opens.
 */
export const SERVICE_ROLE = 'service';
export type CallerRole = Role | typeof SERVICE_ROLE;
const CALLER_ROLES: readonly string[] = [...ROLES, SERVICE_ROLE];

export interface Caller {
  subject: string;
  role: CallerRole;
}

const ROLES_KEY = 'custody:roles';
const PUBLIC_KEY = 'custody:public';

/** Which roles may call a handler; read-only endpoints add `auditor`. */
export const Roles = (...roles: CallerRole[]) => SetMetadata(ROLES_KEY, roles);
/** Health and OpenAPI need no token. */
export const Public = () => SetMetadata(PUBLIC_KEY, true);

export function issueToken(secret: string, role: CallerRole, subject: string, expiresIn: `${number}d` | `${number}h` = '30d'): string {
  return sign({ role }, secret, { subject, algorithm: 'HS256', expiresIn, issuer: 'custody-hub' });
}

export function verifyToken(secret: string, token: string): Caller {
  const claims = verify(token, secret, { algorithms: ['HS256'], issuer: 'custody-hub' });
  if (typeof claims !== 'object' || !CALLER_ROLES.includes(claims.role) || typeof claims.sub !== 'string') {
    throw new Error('token carries no known role');
  }
  return { subject: claims.sub, role: claims.role as CallerRole };
}

export const AUTH_TOKEN_SECRET = Symbol('AUTH_TOKEN_SECRET');

/** Bearer-token guard: missing or invalid token → 401, wrong role → 403 (spec/api.md). */
@Injectable()
export class RoleGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    private readonly secret: string,
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
      caller = verifyToken(this.secret, match[1]);
    } catch {
      throw new UnauthorizedException('invalid or expired token');
    }
    const allowed = this.reflector.getAllAndOverride<CallerRole[]>(ROLES_KEY, targets);
    if (!allowed || !allowed.includes(caller.role)) throw new ForbiddenException(`role ${caller.role} may not call this`);
    request.caller = caller;
    return true;
  }
}
