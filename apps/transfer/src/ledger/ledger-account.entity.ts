import { Column, Entity, PrimaryColumn } from 'typeorm';
import type { RelationshipAccountStatus } from '@custody/contracts';
import type { Currency } from '@custody/money';

/**
 * The transfer service's view of a fund account: its ledger balance and holds (owned here), plus the
 * custody relationship it learned from account's events (projection, never written by an API).
 */
@Entity({ name: 'ledger_accounts' })
export class LedgerAccount {
  @PrimaryColumn({ name: 'fund_account_no', type: 'text' }) fundAccountNo!: string;
  @PrimaryColumn({ type: 'text' }) currency!: Currency;
  @Column({ name: 'customer_no', type: 'text' }) customerNo!: string;
  @Column({ type: 'text' }) role!: 'PRIMARY' | 'AUXILIARY';
  /** numeric(20,2): pg returns strings, libs/money reads them. */
  @Column({ type: 'numeric' }) balance!: string;
  @Column({ type: 'numeric' }) held!: string;
  @Column({ name: 'bank_code', type: 'text', nullable: true }) bankCode!: string | null;
  @Column({ name: 'bank_account_no', type: 'text', nullable: true }) bankAccountNo!: string | null;
  @Column({ name: 'custody_status', type: 'text' }) custodyStatus!: string;
  /** 11011 (bank-protocol.md §4.1): a FROZEN or LOST relationship refuses transfers. */
  @Column({ name: 'account_status', type: 'text' }) accountStatus!: RelationshipAccountStatus;
  /** F-12.3: account marked the relationship DORMANT; the ledger leaves S_CHK04 while it holds nothing. */
  @Column({ type: 'boolean', default: false }) dormant!: boolean;
  /** 客户名称 and 证券机构分支号 of the day files, from `fund-account.opened`; null for accounts opened before it carried them. */
  @Column({ name: 'customer_name', type: 'text', nullable: true }) customerName!: string | null;
  @Column({ name: 'branch_id', type: 'text', nullable: true }) branchId!: string | null;
}
