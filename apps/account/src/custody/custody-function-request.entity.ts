import { Column, CreateDateColumn, Entity, PrimaryColumn, UpdateDateColumn } from 'typeorm';
import type { CustodyFunction } from '@custody/contracts';
import type { Currency } from '@custody/money';

/** What a caller is told of a function that succeeded (amounts as decimal strings; an identity check's `matched`). */
export type CustodyFunctionAnswer = Record<string, string | boolean>;

/** A broker-started account function on an existing relationship, and its answer once the bank gave it. */
@Entity({ name: 'custody_function_requests' })
export class CustodyFunctionRequest {
  @PrimaryColumn('uuid') id!: string;
  @Column({ type: 'text' }) function!: CustodyFunction;
  @Column({ name: 'relationship_id', type: 'uuid' }) relationshipId!: string;
  @Column({ name: 'fund_account_no', type: 'text' }) fundAccountNo!: string;
  @Column({ type: 'text' }) currency!: Currency;
  @Column({ name: 'bank_code', type: 'text' }) bankCode!: string;
  @Column({ name: 'serial_no', type: 'varchar' }) serialNo!: string;
  /** The caller's principal (`subject@issuer`); null on requests from before it was kept. */
  @Column({ name: 'requested_by', type: 'text', nullable: true }) requestedBy!: string | null;
  @Column({ type: 'text' }) status!: 'PENDING' | 'SUCCEEDED' | 'FAILED';
  /** The function's answer as the API gives it; null until it succeeded. */
  @Column({ type: 'jsonb', nullable: true }) answer!: CustodyFunctionAnswer | null;
  @Column({ name: 'bank_serial_no', type: 'varchar', nullable: true }) bankSerialNo!: string | null;
  @Column({ name: 'failure_code', type: 'text', nullable: true }) failureCode!: string | null;
  @Column({ name: 'bank_return_code', type: 'text', nullable: true }) bankReturnCode!: string | null;
  @Column({ name: 'failure_message', type: 'text', nullable: true }) failureMessage!: string | null;
  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' }) createdAt!: Date;
  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' }) updatedAt!: Date;
}
