import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsOptional, IsString, Length } from 'class-validator';
import { ADJUSTMENT_KINDS, ADJUSTMENT_STATUSES } from '@custody/contracts';
import { CURRENCIES } from '@custody/money';
import type { Adjustment } from './adjustment.repository';

/** `POST /v1/adjustments/{adjustmentId}/approve` and `/reject` (api.md). */
export class AdjustmentDecisionBody {
  @ApiProperty({ description: 'makes the request idempotent: repeated, it answers with the adjustment as it is and decides nothing again' })
  @IsString()
  @Length(1, 64)
  requestId!: string;

  @ApiPropertyOptional({ description: 'required to settle a MANUAL adjustment (how the break was resolved); kept with the approval or rejection' })
  @IsOptional()
  @IsString()
  @Length(1, 500)
  comment?: string;
}

export class AdjustmentApprovalView {
  @ApiProperty({ description: 'the principal: subject and issuer of the bearer token' }) by!: string;
  @ApiProperty({ enum: ['operator', 'supervisor'] }) role!: string;
  @ApiProperty({ format: 'date-time' }) at!: string;
  @ApiPropertyOptional() comment?: string;
}

/** A break's adjustment (api.md `proposedAdjustment`), with what became of it. */
export class AdjustmentView {
  @ApiProperty({ format: 'uuid' }) adjustmentId!: string;
  @ApiProperty({ format: 'uuid', description: 'the break it resolves (GET /v1/reconciliation/{businessDate})' }) breakId!: string;
  @ApiProperty() bankCode!: string;
  @ApiProperty({ format: 'date', description: 'the business date of the break' }) businessDate!: string;
  @ApiProperty({ enum: ADJUSTMENT_KINDS }) kind!: string;
  @ApiProperty() fundAccountNo!: string;
  @ApiProperty({ enum: CURRENCIES }) currency!: string;
  @ApiPropertyOptional({ example: '500.00', description: 'CREDIT/DEBIT: what the fund ledger moves; RESOLVE_UNKNOWN: the transfer’s amount (four eyes)' }) amount?: string;
  @ApiPropertyOptional({ format: 'uuid', description: 'RESOLVE_UNKNOWN: the transfer it ends' }) transferId?: string;
  @ApiPropertyOptional({ enum: ['SUCCEEDED', 'FAILED'], description: 'RESOLVE_UNKNOWN: what the transfer becomes (the bank lists it: SUCCEEDED; not: FAILED, its hold released)' }) resolveTo?: string;
  @ApiProperty({ description: 'why this adjustment, for the operator' }) reason!: string;
  @ApiProperty({ enum: ADJUSTMENT_STATUSES }) status!: string;
  @ApiProperty({ type: [AdjustmentApprovalView] }) approvals!: AdjustmentApprovalView[];
  @ApiPropertyOptional({ type: AdjustmentApprovalView, description: 'REJECTED: who rejected it, when and why' }) rejection?: AdjustmentApprovalView;
  @ApiPropertyOptional({ format: 'uuid', description: 'REJECTED: the MANUAL adjustment that replaced it' }) replacedBy?: string;
  @ApiPropertyOptional({ format: 'uuid', description: 'MANUAL put in place of a rejected one: that one' }) replaces?: string;
  @ApiPropertyOptional({ format: 'date', description: 'APPLIED: the broker’s business date it was applied (and a CREDIT/DEBIT journaled) on' }) appliedOn?: string;
}

export function adjustmentView(adjustment: Adjustment): AdjustmentView {
  return {
    adjustmentId: adjustment.adjustmentId,
    breakId: adjustment.breakId,
    bankCode: adjustment.bankCode,
    businessDate: adjustment.businessDate,
    kind: adjustment.kind,
    fundAccountNo: adjustment.fundAccountNo,
    currency: adjustment.currency,
    amount: adjustment.amount ?? undefined,
    transferId: adjustment.transferId ?? undefined,
    resolveTo: adjustment.resolveTo ?? undefined,
    reason: adjustment.reason,
    status: adjustment.status,
    approvals: [...adjustment.approvals],
    rejection: adjustment.rejection ?? undefined,
    replacedBy: adjustment.replacedBy ?? undefined,
    replaces: adjustment.replaces ?? undefined,
    appliedOn: adjustment.appliedOn ?? undefined,
  };
}
