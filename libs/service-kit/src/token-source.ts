import { Clock } from './business-calendar';
import { signToken, type SigningIdentity } from './bearer-tokens';
import type { CallerRole } from './roles';

/** Short, so a token that leaks (a log, a proxy) is soon worthless; signing one costs well under a millisecond. */
export const SERVICE_TOKEN_LIFETIME_MS = 10 * 60_000;

export interface TokenSourceOptions {
  /** Whom the token names; a service names itself (its issuer). */
  subject?: string;
  clock?: Clock;
  lifetimeMs?: number;
}

/**
 * The bearer token a client sends, signed by its own identity with one role. It is cached and signed anew
 * once less than a third of its life is left, so a process that runs for months never sends an expired
 * token (the saga used to sign one at start and could not designate an hour later), and the margin left
 * absorbs the clock difference between this host and the verifier's.
 */
export class TokenSource {
  private readonly subject: string;
  private readonly clock: Clock;
  private readonly lifetimeMs: number;
  private current?: { token: string; renewAt: number };

  constructor(
    private readonly identity: SigningIdentity,
    private readonly role: CallerRole,
    options: TokenSourceOptions = {},
  ) {
    this.subject = options.subject ?? identity.issuer;
    this.clock = options.clock ?? new Clock();
    this.lifetimeMs = options.lifetimeMs ?? SERVICE_TOKEN_LIFETIME_MS;
  }

  /** A token valid now for at least a third of its lifetime. Bound, so it can be handed over as `() => string`. */
  readonly token = (): string => {
    const now = this.clock.now();
    if (this.current === undefined || now.getTime() >= this.current.renewAt) {
      const token = signToken(this.identity, { subject: this.subject, role: this.role }, now, this.lifetimeMs);
      this.current = { token, renewAt: now.getTime() + (this.lifetimeMs * 2) / 3 };
    }
    return this.current.token;
  };
}
