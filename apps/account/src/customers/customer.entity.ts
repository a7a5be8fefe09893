import { Column, CreateDateColumn, Entity, PrimaryColumn, UpdateDateColumn } from 'typeorm';

export type CustomerType = 'INDIVIDUAL' | 'INSTITUTION';

/** A customer (客户). The ID number is kept sealed at rest (domain.md §14); it is opened only to be sent to a bank. */
@Entity({ name: 'customers' })
export class Customer {
  @PrimaryColumn({ name: 'customer_no', type: 'text' }) customerNo!: string;
  @Column({ type: 'text' }) name!: string;
  @Column({ type: 'text' }) type!: CustomerType;
  @Column({ name: 'id_type', type: 'text' }) idType!: string;
  @Column({ name: 'id_number_sealed', type: 'text' }) idNumberSealed!: string;
  /** Last four characters only, for operators (masked display). */
  @Column({ name: 'id_number_tail', type: 'text' }) idNumberTail!: string;
  @Column({ type: 'text', nullable: true }) phone!: string | null;
  @Column({ type: 'text', nullable: true }) address!: string | null;
  @Column({ type: 'text', nullable: true }) email!: string | null;
  /** Counts the changes of the data above; an 11005 carries the version it was sent with (F-3.5 S). */
  @Column({ name: 'data_version', type: 'integer', default: 0 }) dataVersion!: number;
  /** A slow salted hash (fund-password.ts), never the password; null until the customer sets one. */
  @Column({ name: 'fund_password_hash', type: 'text', nullable: true }) fundPasswordHash!: string | null;
  /** Consecutive wrong fund passwords; at FUND_PASSWORD_MAX_FAILURES the password is locked until set again. */
  @Column({ name: 'fund_password_failures', type: 'integer', default: 0 }) fundPasswordFailures!: number;
  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' }) createdAt!: Date;
  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' }) updatedAt!: Date;
}
