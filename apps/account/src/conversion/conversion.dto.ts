import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsOptional, IsString, Length, Matches } from 'class-validator';
import { BATCH_LINE_STATES, type BatchLineState } from './conversion-batch.repository';
import type { CleanupCategory } from './account-cleanup.service';

/** `POST /v1/conversion/batches?requestId=&fileName=`: the file itself is the body. */
export class UploadBatchQuery {
  @ApiProperty() @IsString() @Length(1, 64) requestId!: string;
  @ApiPropertyOptional({ description: 'the name the operator knows the file by, shown with the batch' }) @IsOptional() @IsString() @Length(1, 200) fileName?: string;
}

const LIMIT = /^\d{1,4}$/;

export class BatchPageQuery {
  @ApiPropertyOptional({ enum: BATCH_LINE_STATES }) @IsOptional() @IsIn(BATCH_LINE_STATES) state?: BatchLineState;
  @ApiPropertyOptional() @IsOptional() @IsString() cursor?: string;
  @ApiPropertyOptional({ description: '1–1000, default 100' }) @IsOptional() @Matches(LIMIT, { message: 'limit must be a number' }) limit?: string;
}

export class CleanupQuery {
  @ApiPropertyOptional({ enum: ['INVALID', 'DORMANT'], description: 'only incomplete identities, or only dormant relationships; both when absent' })
  @IsOptional()
  @IsIn(['INVALID', 'DORMANT'])
  category?: CleanupCategory;
  @ApiPropertyOptional() @IsOptional() @IsString() cursor?: string;
  @ApiPropertyOptional({ description: '1–500, default 100' }) @IsOptional() @Matches(LIMIT, { message: 'limit must be a number' }) limit?: string;
}

export class StartDormantMarkingBody {
  @ApiProperty() @IsString() @Length(1, 64) requestId!: string;
}
