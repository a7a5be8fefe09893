import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsOptional, IsString } from 'class-validator';
import { ADJUSTMENT_KINDS, ADJUSTMENT_STATUSES, DAY_FILE_TYPE_NAMES } from '@custody/contracts';
import { CURRENCIES } from '@custody/money';

export const BREAKS_PAGE = { default: 500, max: 1000 } as const;

/** Strings only: the service judges them (VALIDATION_FAILED), the pipe refuses unknown parameters. */
export class ReconciliationQueryParams {
  @ApiPropertyOptional({ description: 'one bank only (its 7-digit code); every configured bank when absent' }) @IsOptional() @IsString() bankCode?: string;
  @ApiPropertyOptional({ enum: ['OPEN', 'RESOLVED'], description: 'only breaks in this status' }) @IsOptional() @IsString() status?: string;
  @ApiPropertyOptional({ description: `breaks per page, 1-${BREAKS_PAGE.max} (default ${BREAKS_PAGE.default})` }) @IsOptional() @IsString() limit?: string;
  @ApiPropertyOptional({ description: 'the `nextCursor` of the previous page (opaque), with the same bankCode and status' }) @IsOptional() @IsString() cursor?: string;
}

export class FilesQueryParams {
  @ApiPropertyOptional({ description: 'one bank only; every bank when absent' }) @IsOptional() @IsString() bankCode?: string;
}

export class FileQueryParams {
  @ApiProperty({ description: 'the bank whose file it is (day-file names do not name the bank)' }) @IsOptional() @IsString() bankCode?: string;
}

export class BankReconciliationView {
  @ApiProperty() bankCode!: string;
  @ApiProperty({ description: 'CHK01–03 records both sides list with equal compared fields (0 until compared)' }) matched!: number;
  @ApiProperty({ enum: ['MATCHED', 'MISMATCHED', 'PENDING'], description: "the bank's ChkRst of 13010, PENDING until it came" }) summaryCheck!: string;
  @ApiProperty({ type: Boolean, nullable: true, description: "our breaks and the bank's DIF01–03 name the same records; null until both exist" }) bankDifMatches!: boolean | null;
}

export class BreakApprovalView {
  @ApiProperty({ description: 'the principal (issuer and subject of the token)' }) by!: string;
  @ApiProperty({ enum: ['operator', 'supervisor'] }) role!: string;
  @ApiProperty({ format: 'date-time' }) at!: string;
  @ApiPropertyOptional() comment?: string;
}

export class ProposedAdjustmentView {
  @ApiProperty({ format: 'uuid' }) adjustmentId!: string;
  @ApiProperty({ enum: ADJUSTMENT_KINDS }) kind!: string;
  @ApiProperty() fundAccountNo!: string;
  @ApiProperty({ enum: CURRENCIES }) currency!: string;
  @ApiPropertyOptional({ example: '500.00', description: 'CREDIT/DEBIT: what the ledger moves; RESOLVE_UNKNOWN: the transfer’s amount' }) amount?: string;
  @ApiPropertyOptional({ format: 'uuid', description: 'RESOLVE_UNKNOWN: the transfer' }) transferId?: string;
  @ApiPropertyOptional({ enum: ['SUCCEEDED', 'FAILED'], description: 'RESOLVE_UNKNOWN: what the transfer becomes' }) resolveTo?: string;
  @ApiProperty({ description: 'why this adjustment, one line' }) reason!: string;
  @ApiProperty({ enum: ADJUSTMENT_STATUSES }) status!: string;
  @ApiProperty({ type: [BreakApprovalView] }) approvals!: BreakApprovalView[];
}

export class BreakView {
  @ApiProperty({ format: 'uuid' }) breakId!: string;
  @ApiProperty() bankCode!: string;
  @ApiProperty({ format: 'date', description: 'the bank’s day the break belongs to' }) businessDate!: string;
  @ApiProperty({ enum: ['CHK01', 'CHK02', 'CHK03', 'CHK04'], nullable: true, description: 'null for an operator case' }) file!: string | null;
  @ApiProperty({ enum: ['B', 'S', 'X'], nullable: true, description: 'B bank only, S broker only, X compared fields differ; null for an operator case' }) reason!: string | null;
  @ApiProperty({ enum: ['B', 'S'], nullable: true }) initiator!: string | null;
  @ApiProperty({ type: String, nullable: true, description: "the initiator's serial" }) serialNo!: string | null;
  @ApiProperty() fundAccountNo!: string;
  @ApiProperty({ enum: CURRENCIES }) currency!: string;
  @ApiProperty({ type: [String], example: ['amount'] }) differingFields!: string[];
  @ApiProperty({ type: Object, nullable: true, description: "the broker's record (CHK03: ID number as idNumberMasked)" }) broker!: Record<string, unknown> | null;
  @ApiProperty({ type: Object, nullable: true, description: "the bank's record" }) bank!: Record<string, unknown> | null;
  @ApiProperty({ enum: ['OPEN', 'RESOLVED'] }) status!: string;
  @ApiProperty({ type: ProposedAdjustmentView, nullable: true }) proposedAdjustment!: ProposedAdjustmentView | null;
  @ApiProperty({ type: String, nullable: true, description: 'operator cases: what happened, e.g. REVERSAL_REFUSED_FUNDS_USED' }) cause!: string | null;
  @ApiProperty({ type: String, nullable: true, description: 'what the break is, in words' }) description!: string | null;
}

export class ReconciliationView {
  @ApiProperty({ format: 'date' }) businessDate!: string;
  @ApiProperty({ type: [BankReconciliationView] }) banks!: BankReconciliationView[];
  @ApiProperty({ type: [BreakView], description: 'in the order they were found' }) breaks!: BreakView[];
  @ApiPropertyOptional({ description: 'pass as `cursor` for the next page of breaks; absent on the last page' }) nextCursor?: string;
}

export class DayFileView {
  @ApiProperty() bankCode!: string;
  @ApiProperty({ example: 'B_CHK01_20261121.gz' }) fileName!: string;
  @ApiProperty({ enum: ['S', 'B'], description: 'S the broker’s (sent), B the bank’s (received)' }) side!: string;
  @ApiProperty({ enum: DAY_FILE_TYPE_NAMES }) type!: string;
  @ApiProperty({ format: 'date' }) businessDate!: string;
  @ApiProperty({ example: '0001' }) busCode!: string;
  @ApiProperty({ description: 'bytes of the .gz' }) fileLen!: number;
  @ApiProperty({ description: 'uppercase hex SM3 of the .gz' }) fileMac!: string;
  @ApiProperty({ example: '20261121183000' }) fileTime!: string;
  @ApiProperty({ description: 'versions of one name count from 1' }) version!: number;
  @ApiProperty({ description: 'the newest version: the one served and compared' }) current!: boolean;
  @ApiProperty({ format: 'date-time' }) storedAt!: string;
}

export class DayFilesView {
  @ApiProperty({ format: 'date' }) businessDate!: string;
  @ApiProperty({ type: [DayFileView] }) files!: DayFileView[];
}
