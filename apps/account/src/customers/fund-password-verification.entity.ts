import { Column, CreateDateColumn, Entity, PrimaryColumn } from 'typeorm';

export type RecordedVerdict = 'MATCHED' | 'MISMATCHED' | 'LOCKED' | 'NOT_SET';

/** The first verdict on one attempt (a bank request's serial), returned again when the attempt is repeated. */
@Entity({ name: 'fund_password_verifications' })
export class FundPasswordVerificationRecord {
  @PrimaryColumn({ name: 'attempt_id', type: 'text' }) attemptId!: string;
  @Column({ name: 'fund_account_no', type: 'text' }) fundAccountNo!: string;
  @Column({ type: 'text' }) result!: RecordedVerdict;
  @CreateDateColumn({ name: 'verified_at', type: 'timestamptz' }) verifiedAt!: Date;
}
