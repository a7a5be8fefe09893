import { Column, CreateDateColumn, Entity, PrimaryColumn, UpdateDateColumn } from 'typeorm';
import type { RelationshipAccountStatus } from '@custody/contracts';
import type { Currency } from '@custody/money';

/**
 * domain.md §3 relationship states. `PENDING` is ours: the request went to the bank and its answer is
 * awaited; `FAILED` records a designation the bank refused (kept for the audit trail, never active).
 */
export type RelationshipStatus = 'PENDING' | 'PRE_DESIGNATED' | 'DESIGNATED' | 'CANCELLED' | 'FAILED';
export const ACTIVE_STATUSES: RelationshipStatus[] = ['PENDING', 'PRE_DESIGNATED', 'DESIGNATED'];

@Entity({ name: 'custody_relationships' })
export class CustodyRelationship {
  @PrimaryColumn('uuid') id!: string;
  @Column({ name: 'fund_account_no', type: 'text' }) fundAccountNo!: string;
  @Column({ type: 'text' }) currency!: Currency;
  @Column({ name: 'bank_code', type: 'text' }) bankCode!: string;
  @Column({ name: 'bank_account_no', type: 'text', nullable: true }) bankAccountNo!: string | null;
  @Column({ name: 'custody_account_no', type: 'text', nullable: true }) custodyAccountNo!: string | null;
  @Column({ type: 'text' }) status!: RelationshipStatus;
  /** 11011 (bank-protocol.md §4.1): frozen or reported lost, beside the custody state; NORMAL unless a side changed it. */
  @Column({ name: 'account_status', type: 'text', default: 'NORMAL' }) accountStatus!: RelationshipAccountStatus;
  /** F-12.3: DORMANT since this business date (a flag beside the state, domain.md §3); null while awake. */
  @Column({ name: 'dormant_since', type: 'date', nullable: true }) dormantSince!: string | null;
  @Column({ name: 'serial_no', type: 'text' }) serialNo!: string;
  /** The principal who asked the broker to open it (11001 S, 11002 S); null for one the bank opened, or from before it was kept. */
  @Column({ name: 'requested_by', type: 'text', nullable: true }) requestedBy!: string | null;
  @Column({ name: 'failure_code', type: 'text', nullable: true }) failureCode!: string | null;
  @Column({ name: 'bank_return_code', type: 'text', nullable: true }) bankReturnCode!: string | null;
  @Column({ name: 'failure_message', type: 'text', nullable: true }) failureMessage!: string | null;
  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' }) createdAt!: Date;
  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' }) updatedAt!: Date;
}
