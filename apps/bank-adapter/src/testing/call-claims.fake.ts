import type { BankCall } from '../calls/bank-call.types';
import type { CallClaims, ClaimHolder, SendingClaim, StandingClaim } from '../calls/call-claims.repository';

/** `PostgresCallClaims`' rules in memory, for unit tests of the executor; its SQL is tested against PostgreSQL. */
export class InMemoryCallClaims implements CallClaims {
  readonly claims = new Map<string, StandingClaim & { token: string }>();

  async claimForSending(call: BankCall, holder: ClaimHolder): Promise<SendingClaim> {
    const standing = this.claims.get(call.callId);
    if (standing) return { won: false, standing };
    this.claims.set(call.callId, { state: 'SENDING', instanceId: holder.instanceId, claimedAt: new Date(), reason: null, token: holder.token });
    return { won: true };
  }

  async fenceNotSent(call: BankCall, holder: ClaimHolder, reason: string): Promise<boolean> {
    const standing = this.claims.get(call.callId);
    if (!standing || standing.token === holder.token) {
      this.claims.set(call.callId, { state: 'NOT_SENT', instanceId: holder.instanceId, claimedAt: standing?.claimedAt ?? new Date(), reason, token: holder.token });
      return true;
    }
    return standing.state === 'NOT_SENT';
  }
}
