import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The adapter's one durable record: which delivery of a call may write it (SENDING) or has fenced it off
 * for good (NOT_SENT). Shared by every replica of every bank's adapter; keyed by the saga's callId.
 */
export class BankAdapterCallClaims1732200000020 implements MigrationInterface {
  name = 'BankAdapterCallClaims1732200000020';

  async up(runner: QueryRunner): Promise<void> {
    await runner.query(`CREATE TABLE bank_adapter.call_claims (
      call_id uuid PRIMARY KEY,
      bank_code text NOT NULL,
      serial_no varchar(20) NOT NULL,
      state text NOT NULL CHECK (state IN ('SENDING', 'NOT_SENT')),
      claim_token uuid NOT NULL,
      instance_id text NOT NULL,
      reason text,
      claimed_at timestamptz NOT NULL DEFAULT now(),
      updated_at timestamptz NOT NULL DEFAULT now())`);
    // Pruning goes by age: claims only need to outlive any redelivery of their call.
    await runner.query(`CREATE INDEX call_claims_claimed_at ON bank_adapter.call_claims (claimed_at)`);
  }

  async down(runner: QueryRunner): Promise<void> {
    await runner.query(`DROP TABLE bank_adapter.call_claims`);
  }
}
