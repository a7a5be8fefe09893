import { Column, CreateDateColumn, Entity, PrimaryColumn } from 'typeorm';
import type { Currency } from '@custody/money';

export type FundAccountRole = 'PRIMARY' | 'AUXILIARY';

/**
 * A fund account (资金账号) in one currency; primary or auxiliary in the multi-bank model (domain.md §13). A number may
 * hold several currencies, a row each, with the same customer, role and branch (api.md `POST /v1/fund-accounts`).
 */
@Entity({ name: 'fund_accounts' })
export class FundAccount {
  @PrimaryColumn({ name: 'fund_account_no', type: 'text' }) fundAccountNo!: string;
  @PrimaryColumn({ type: 'text' }) currency!: Currency;
  @Column({ name: 'customer_no', type: 'text' }) customerNo!: string;
  @Column({ type: 'text' }) role!: FundAccountRole;
  @Column({ name: 'branch_id', type: 'text' }) branchId!: string;
  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' }) createdAt!: Date;
}
