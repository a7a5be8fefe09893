import { Column, Entity, PrimaryColumn } from 'typeorm';

export type HoldKind = 'TRADING' | 'WITHDRAWAL';
export type HoldStatus = 'ACTIVE' | 'RELEASED' | 'CONSUMED';

@Entity({ name: 'holds' })
export class Hold {
  @PrimaryColumn('uuid', { name: 'hold_id' }) holdId!: string;
  @Column({ name: 'fund_account_no', type: 'text' }) fundAccountNo!: string;
  @Column({ type: 'text' }) currency!: string;
  @Column({ type: 'numeric' }) amount!: string;
  @Column({ type: 'text' }) kind!: HoldKind;
  @Column({ type: 'text' }) reason!: string;
  @Column({ type: 'text' }) status!: HoldStatus;
}
