import { Column, CreateDateColumn, Entity, PrimaryColumn, UpdateDateColumn } from 'typeorm';

/** PENDING while the transfer service decides (it owns the holds that may refuse it); then APPLIED or REFUSED. */
export type PrimaryChangeStatus = 'PENDING' | 'APPLIED' | 'REFUSED';

/** One `make-primary` request's change of the customer's primary fund account (domain.md §13). */
@Entity({ name: 'primary_changes' })
export class PrimaryChange {
  @PrimaryColumn('uuid', { name: 'change_id' }) changeId!: string;
  @Column({ name: 'customer_no', type: 'text' }) customerNo!: string;
  @Column({ name: 'fund_account_no', type: 'text' }) fundAccountNo!: string;
  @Column({ name: 'previous_primary_fund_account_no', type: 'text' }) previousPrimaryFundAccountNo!: string;
  @Column({ type: 'text' }) status!: PrimaryChangeStatus;
  @Column({ type: 'text', nullable: true }) refusal!: string | null;
  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' }) createdAt!: Date;
  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' }) updatedAt!: Date;
}
