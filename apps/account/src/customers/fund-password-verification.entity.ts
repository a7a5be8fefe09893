import { Column, CreateDateColumn, Entity, PrimaryColumn } from 'typeorm';

/** UNREADABLE: the PIN block held no PIN for the fund account (another key, attempt or account); not counted. */
export type RecordedVerdict = 'MATCHED' | 'MISMATCHED' | 'LOCKED' | 'NOT_SET' | 'UNREADABLE';

/** The first verdict on one attempt (a bank request's serial, an API request), returned again when the attempt is repeated. */
@Entity({ name: 'fund_password_verifications' })
export class FundPasswordVerificationRecord {
  @PrimaryColumn({ name: 'attempt_id', type: 'text' }) attemptId!: string;
  @Column({ name: 'fund_account_no', type: 'text' }) fundAccountNo!: string;
  @Column({ type: 'text' }) result!: RecordedVerdict;
  /** The caller's keyed digest of the attempt, when it gave one: a repeat must carry the same. */
  @Column({ name: 'attempt_digest', type: 'char', length: 64, nullable: true }) attemptDigest!: string | null;
  @CreateDateColumn({ name: 'verified_at', type: 'timestamptz' }) verifiedAt!: Date;
}
