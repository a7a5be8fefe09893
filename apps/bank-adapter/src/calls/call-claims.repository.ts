import { expiredRows, InFlightBatcher, qualifiedTable, type RetentionTask } from '@custody/persistence';
import type { DataSource } from 'typeorm';
import type { BankCall } from './bank-call.types';

/** The claim that stands for a call: one delivery may write it, or it is never written. */
export interface StandingClaim {
  readonly state: 'SENDING' | 'NOT_SENT';
  readonly instanceId: string;
  readonly claimedAt: Date;
  readonly reason: string | null;
}

/** One delivery of one call, as it claims the call: the token tells its claim from any other delivery's. */
export interface ClaimHolder {
  readonly instanceId: string;
  readonly token: string;
}

export type SendingClaim = { readonly won: true } | { readonly won: false; readonly standing: StandingClaim };

/**
 * Which delivery of a call may write it, decided once and durably, before anything is written (issue 7
 * item 1). A call is redelivered when the adapter that took it crashed or lost its partition before
 * committing — to another replica, or to this one restarted — while the first copy may sit at the bank.
 * Only a record every replica reads can tell the second delivery so.
 *
 * - `claimForSending` before the request is handed to a session: the first claim of a call wins; every
 *   later delivery finds it standing and must not answer NOT_SENT (a copy may be at the bank).
 * - `fenceNotSent` before a delivery reports NOT_SENT: the claim becomes NOT_SENT for good, so no
 *   delivery anywhere writes the call afterwards. That is what makes NOT_SENT definite for the saga.
 */
export interface CallClaims {
  claimForSending(call: BankCall, holder: ClaimHolder): Promise<SendingClaim>;
  /**
   * True when the call now stands NOT_SENT for good: fenced by this delivery (no claim yet, or its own
   * SENDING claim that wrote nothing) or by an earlier one. False when another delivery's SENDING claim
   * stands: that copy may have been written, so this delivery must not say NOT_SENT.
   */
  fenceNotSent(call: BankCall, holder: ClaimHolder, reason: string): Promise<boolean>;
}

interface ClaimRow {
  state: StandingClaim['state'];
  instance_id: string;
  claimed_at: Date;
  reason: string | null;
}

/** Sending claims made while one statement is on its way go in the next, together (bounded by the calls a window holds). */
const MAX_CLAIMS_PER_STATEMENT = 100;

export class PostgresCallClaims implements CallClaims {
  /**
   * Calls claimed at once (the window runs several) share a statement and its commit (issue 9: one fsync'd commit per
   * call before); a lone claim goes out at once.
   */
  private readonly sending = new InFlightBatcher<{ call: BankCall; holder: ClaimHolder }, boolean>((claims) => this.claimAll(claims), MAX_CLAIMS_PER_STATEMENT);

  constructor(private readonly dataSource: DataSource) {}

  async claimForSending(call: BankCall, holder: ClaimHolder): Promise<SendingClaim> {
    // Two statements, not one: a conflicting claim committed by a racing delivery after this statement's
    // snapshot is invisible to a SELECT in the same statement, but not to the next one.
    if (await this.sending.submit({ call, holder })) return { won: true };
    return { won: false, standing: await this.standing(call.callId) };
  }

  /**
   * Claims every call given, in one statement; answers, per call, whether this delivery won it. The rows go in by call id,
   * so two replicas claiming overlapping calls wait for each other's index entries in one order and never deadlock. A
   * call given twice (which the handler's sequencer never does) is won by its first delivery only, as if claimed in turn.
   */
  private async claimAll(claims: ReadonlyArray<{ call: BankCall; holder: ClaimHolder }>): Promise<boolean[]> {
    const inserted: Array<{ call_id: string }> = await this.dataSource.query(
      `INSERT INTO bank_adapter.call_claims (call_id, bank_code, serial_no, state, claim_token, instance_id)
       SELECT call_id, bank_code, serial_no, 'SENDING', claim_token, instance_id
         FROM unnest($1::uuid[], $2::text[], $3::text[], $4::uuid[], $5::text[]) AS c(call_id, bank_code, serial_no, claim_token, instance_id)
        ORDER BY call_id
       ON CONFLICT (call_id) DO NOTHING RETURNING call_id`,
      [
        claims.map(({ call }) => call.callId),
        claims.map(({ call }) => call.bankCode),
        claims.map(({ call }) => call.serialNo),
        claims.map(({ holder }) => holder.token),
        claims.map(({ holder }) => holder.instanceId),
      ],
    );
    // PostgreSQL answers a uuid in lower case; a call id may come in either.
    const won = new Set(inserted.map((row) => row.call_id));
    return claims.map(({ call }) => won.delete(call.callId.toLowerCase()));
  }

  async fenceNotSent(call: BankCall, holder: ClaimHolder, reason: string): Promise<boolean> {
    const fenced: unknown[] = await this.dataSource.query(
      `INSERT INTO bank_adapter.call_claims (call_id, bank_code, serial_no, state, claim_token, instance_id, reason)
       VALUES ($1, $2, $3, 'NOT_SENT', $4, $5, $6)
       ON CONFLICT (call_id) DO UPDATE SET state = 'NOT_SENT', reason = EXCLUDED.reason, updated_at = now()
         WHERE call_claims.claim_token = EXCLUDED.claim_token
       RETURNING call_id`,
      [call.callId, call.bankCode, call.serialNo, holder.token, holder.instanceId, reason.slice(0, 500)],
    );
    if (fenced.length > 0) return true;
    return (await this.standing(call.callId)).state === 'NOT_SENT';
  }

  private async standing(callId: string): Promise<StandingClaim> {
    const [row]: ClaimRow[] = await this.dataSource.query(`SELECT state, instance_id, claimed_at, reason FROM bank_adapter.call_claims WHERE call_id = $1`, [callId]);
    if (!row) throw new Error(`call ${callId}: a conflicting claim vanished (pruned while its call was in flight?)`);
    return { state: row.state, instanceId: row.instance_id, claimedAt: row.claimed_at, reason: row.reason };
  }
}

/**
 * Claims older than this are pruned: a claim only has to outlive every redelivery of its call, so this is
 * the calls topic's redelivery horizon plus a margin (docs/design.md "Retention", `CALL_CLAIMS`).
 */
export function callClaimsRetention(retentionMs: number): RetentionTask {
  return expiredRows({ name: 'bank_adapter.call_claims', table: qualifiedTable('bank_adapter', 'call_claims'), timestampColumn: 'claimed_at', retentionMs });
}
