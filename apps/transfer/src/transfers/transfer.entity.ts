import { Column, CreateDateColumn, Entity, PrimaryColumn, UpdateDateColumn } from 'typeorm';
import type { TransferFailureCode } from './transfer.dto';

export type TransferType = 'BANK_TO_SECURITIES' | 'SECURITIES_TO_BANK' | 'INTERNAL';
export const TRANSFER_STATUSES = ['PENDING', 'SUCCEEDED', 'FAILED', 'UNKNOWN', 'REVERSED'] as const;
export type TransferStatus = (typeof TRANSFER_STATUSES)[number];
export const FINAL_STATUSES: TransferStatus[] = ['SUCCEEDED', 'FAILED', 'REVERSED'];

/**
 * A bank-securities transfer (银证转账). `serialNo` is the initiator's serial (ours for S, the bank's
 * for B); `ourSerialNo` is the serial we gave it (for S the same, for B the serial of our reply).
 */
@Entity({ name: 'transfers' })
export class Transfer {
  @PrimaryColumn('uuid', { name: 'transfer_id' }) transferId!: string;
  @Column({ type: 'text' }) type!: TransferType;
  @Column({ type: 'text' }) initiator!: 'B' | 'S';
  @Column({ name: 'serial_no', type: 'text' }) serialNo!: string;
  @Column({ name: 'our_serial_no', type: 'text' }) ourSerialNo!: string;
  @Column({ name: 'bank_serial_no', type: 'text', nullable: true }) bankSerialNo!: string | null;
  @Column({ name: 'bank_code', type: 'text' }) bankCode!: string;
  @Column({ name: 'bank_account_no', type: 'text', nullable: true }) bankAccountNo!: string | null;
  @Column({ name: 'fund_account_no', type: 'text' }) fundAccountNo!: string;
  /** INTERNAL (F-4.7) only: the fund account of the same customer the money went to. */
  @Column({ name: 'counterpart_fund_account_no', type: 'text', nullable: true }) counterpartFundAccountNo!: string | null;
  @Column({ type: 'text' }) currency!: string;
  @Column({ type: 'numeric' }) amount!: string;
  @Column({ type: 'text' }) status!: TransferStatus;
  @Column({ name: 'failure_code', type: 'text', nullable: true }) failureCode!: TransferFailureCode | null;
  @Column({ name: 'bank_return_code', type: 'text', nullable: true }) bankReturnCode!: string | null;
  @Column({ name: 'failure_message', type: 'text', nullable: true }) failureMessage!: string | null;
  @Column({ name: 'hold_id', type: 'uuid', nullable: true }) holdId!: string | null;
  /** The first and the latest attempts only (transfer-attempts.ts); `attemptsDropped` counts the others. */
  @Column({ type: 'text', array: true }) attempts!: string[];
  @Column({ name: 'attempts_dropped', type: 'integer', default: 0 }) attemptsDropped!: number;
  @Column({ name: 'business_date', type: 'date' }) businessDate!: string;
  @Column({ name: 'unknown_since', type: 'timestamptz', nullable: true }) unknownSince!: Date | null;
  /** The RESOLVE_UNKNOWN adjustment that ended this transfer, UNKNOWN at its day's end (api.md). */
  @Column({ name: 'resolved_by_adjustment', type: 'uuid', nullable: true }) resolvedByAdjustment!: string | null;
  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' }) createdAt!: Date;
  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' }) updatedAt!: Date;
}
