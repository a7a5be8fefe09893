import { Column, CreateDateColumn, Entity, PrimaryColumn } from 'typeorm';
import type { Currency } from '@custody/money';

export type FundAccountRole = 'PRIMARY' | 'AUXILIARY';

/** A fund account (资金账号), per currency; primary or auxiliary in the multi-bank model (domain.md §13). */
@Entity({ name: 'fund_accounts' })
export class FundAccount {
  @PrimaryColumn({ name: 'fund_account_no', type: 'text' }) fundAccountNo!: string;
  @Column({ name: 'customer_no', type: 'text' }) customerNo!: string;
  @Column({ type: 'text' }) currency!: Currency;
  @Column({ type: 'text' }) role!: FundAccountRole;
  @Column({ name: 'branch_id', type: 'text' }) branchId!: string;
  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' }) createdAt!: Date;
}
