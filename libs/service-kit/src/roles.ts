/** spec/api.md: the four roles of the public API (the local stack prints a token for each). */
export const ROLES = ['trading', 'operator', 'supervisor', 'auditor'] as const;
export type Role = (typeof ROLES)[number];

/**
 * Our own services calling each other's internal endpoints (e.g. the bank adapter asking account to verify a
 * fund password). Never handed to a person, and the public ingress does not route the endpoints it opens.
 */
export const SERVICE_ROLE = 'service';
export type CallerRole = Role | typeof SERVICE_ROLE;
export const CALLER_ROLES: readonly CallerRole[] = [...ROLES, SERVICE_ROLE];

export function isCallerRole(value: unknown): value is CallerRole {
  return typeof value === 'string' && (CALLER_ROLES as readonly string[]).includes(value);
}

/** Who made a request, as its verified bearer token says: `issuer` vouched that `subject` holds `role`. */
export interface Caller {
  issuer: string;
  subject: string;
  role: CallerRole;
}

/** The principal a caller acts as, as the records that name who acted keep it: `subject@issuer`. */
export function principalOf(caller: Caller): string {
  return `${caller.subject}@${caller.issuer}`;
}
