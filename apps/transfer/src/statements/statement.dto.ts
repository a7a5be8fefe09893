import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsOptional, IsString } from 'class-validator';
import { CURRENCIES } from '@custody/money';
import { POSTING_SOURCES, type PostingSourceKind } from '../ledger/ledger-rules';
import { TRANSFER_TYPES } from '../transfers/transfer.dto';
import { MAX_STATEMENT_DAYS, STATEMENT_PAGE_SIZE } from './statement-request';

/**
 * The query of `GET /v1/fund-accounts/{fundAccountNo}/statement`. Strings only here: readStatementRequest judges
 * them all at once (the same rules for every caller of StatementService), so the pipe adds nothing but the
 * refusal of unknown parameters.
 */
export class StatementQueryParams {
  @ApiProperty({ enum: CURRENCIES }) @IsOptional() @IsString() currency?: string;
  @ApiProperty({ format: 'date', description: 'first business date, included' }) @IsOptional() @IsString() from?: string;
  @ApiProperty({ format: 'date', description: `last business date, included; at most ${MAX_STATEMENT_DAYS} days from \`from\`` }) @IsOptional() @IsString() to?: string;
  @ApiPropertyOptional({ description: 'the `nextCursor` of the previous page (opaque), with the same currency, from and to' }) @IsOptional() @IsString() cursor?: string;
  @ApiPropertyOptional({ description: `movements per page, 1-${STATEMENT_PAGE_SIZE.max} (default ${STATEMENT_PAGE_SIZE.default})` }) @IsOptional() @IsString() limit?: string;
}

/** What a TRANSFER movement belongs to, as the customer knows it. */
export class StatementTransferView {
  @ApiProperty({ enum: TRANSFER_TYPES }) type!: string;
  @ApiProperty({ description: 'the serial on the bank protocol: ours (initiator S) or the bank’s (initiator B)' }) serialNo!: string;
  @ApiProperty() bankCode!: string;
}

/** What an ADJUSTMENT movement belongs to: the reconciliation break it resolved (api.md). */
export class StatementAdjustmentView {
  @ApiProperty({ format: 'uuid', description: 'the break of the bank’s day it resolved (GET /v1/reconciliation/{businessDate})' }) breakId!: string;
  @ApiProperty({ enum: ['CREDIT', 'DEBIT'] }) kind!: string;
  @ApiProperty() bankCode!: string;
}

/** One movement of the fund ledger: one journal line of it. */
export class StatementMovementView {
  @ApiProperty({ format: 'date', description: 'the business date of what moved the money (a transfer’s, a bank reversal’s, an adjustment’s)' }) businessDate!: string;
  @ApiProperty({ enum: POSTING_SOURCES }) source!: PostingSourceKind;
  @ApiProperty({
    description: 'what it belongs to: the transferId for TRANSFER (a bank reversal names the transfer it undoes), the adjustment for ADJUSTMENT, the clearing entry for CLEARING',
  })
  sourceId!: string;
  @ApiPropertyOptional({ type: StatementTransferView, description: 'TRANSFER: the transfer' }) transfer?: StatementTransferView;
  @ApiPropertyOptional({ type: StatementAdjustmentView, description: 'ADJUSTMENT: the approved adjustment’s break' }) adjustment?: StatementAdjustmentView;
  @ApiProperty({ example: '-300.00', description: 'signed: + money in, - money out' }) amount!: string;
  @ApiProperty({ example: '700.00', description: 'the ledger balance after this movement' }) balance!: string;
  @ApiProperty({ format: 'date-time', description: 'when it was booked' }) recordedAt!: string;
}

/**
 * A fund-ledger statement (F-5.2), one page of it. Movements come in business-date order (within a date, in the
 * order they were booked); the pages of one statement read the books of one instant, the first page's.
 */
export class StatementView {
  @ApiProperty() fundAccountNo!: string;
  @ApiProperty({ enum: CURRENCIES }) currency!: string;
  @ApiProperty({ format: 'date' }) from!: string;
  @ApiProperty({ format: 'date' }) to!: string;
  @ApiPropertyOptional({ example: '0.00', description: 'the balance at the start of `from`; on the first page only' }) openingBalance?: string;
  @ApiProperty({ type: [StatementMovementView] }) movements!: StatementMovementView[];
  @ApiPropertyOptional({ example: '700.00', description: 'the balance at the end of `to`: opening + every movement; on the last page only' }) closingBalance?: string;
  @ApiPropertyOptional({ description: 'pass as `cursor` for the next page; absent on the last page' }) nextCursor?: string;
}
